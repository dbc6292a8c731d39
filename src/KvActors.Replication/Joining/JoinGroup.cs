namespace KvActors.Replication.Joining;

/// <summary>
/// Sent on behalf of replica <paramref name="ReplicaId"/> of <paramref name="Partition"/>, again and again until
/// it is a voter, to every other replica of its group; only the leader acts on it, one membership change at a time
/// (<see cref="JoinSteps"/>). From the replica to its own node's host, which sends it on to the group's other nodes.
/// </summary>
public sealed record JoinGroup(int Partition, ulong ReplicaId);
