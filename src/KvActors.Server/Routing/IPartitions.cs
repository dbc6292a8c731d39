using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Server.Routing;

/// <summary>
/// The routing seam, "who serves partition p?": how the front reaches a partition. Its own child hosts on a single
/// node (<see cref="LocalPartitions"/>), a shard region in a shared-journal cluster (KvActors.Cluster's
/// ShardedPartitions), or each partition's Raft leader (KvActors.Cluster's RaftPartitions). Either way the reply goes to the given sender.
/// </summary>
public interface IPartitions
{
    void Tell(int partition, IKvRequest request, IActorRef sender);

    Task<IKvReply> AskAsync(int partition, IKvRequest request, TimeSpan timeout);
}
