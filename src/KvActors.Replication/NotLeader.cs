using KvActors.Protocol;

namespace KvActors.Replication;

/// <summary>
/// The answer of a replica that does not lead its partition: the request was not applied, and goes to the leader
/// instead. <paramref name="LeaderId"/> is 0 and <paramref name="LeaderNode"/> null while no leader is known (an
/// election is under way): retry shortly.
/// </summary>
/// <param name="Partition">The partition asked.</param>
/// <param name="LeaderId">The leader's replica id as far as this replica knows, or 0.</param>
/// <param name="LeaderNode">The address of the leader's node (<c>akka.tcp://kv@host:port</c>), or null.</param>
public sealed record NotLeader(int Partition, ulong LeaderId, string? LeaderNode) : IKvReply
{
    public bool LeaderKnown => LeaderId != 0;
}
