using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Server.Front;

/// <summary>
/// Cluster mode: partitions are entities of a shard region, which delivers each envelope to the node hosting the
/// partition (starting the partition there if it is not running) and unwraps it for the <see cref="PartitionHost"/>.
/// </summary>
public sealed class ShardedPartitions(IActorRef region) : IPartitions
{
    public void Tell(int partition, IKvRequest request, IActorRef sender) =>
        region.Tell(new PartitionEnvelope(partition, request), sender);

    public Task<IKvReply> AskAsync(int partition, IKvRequest request, TimeSpan timeout) =>
        region.Ask<IKvReply>(new PartitionEnvelope(partition, request), timeout);
}
