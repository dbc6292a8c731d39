using Akka.Actor;
using KvActors.Server.Partition;
using KvActors.Server.Partitioning;

namespace KvActors.Server.Routing;

/// <summary>
/// Where a node's partitions run, decided once the partition layout is known: all of them here, under the front
/// (<see cref="LocalPlacement"/>), or wherever a cluster puts them (a shard region on a shared journal, or Raft groups on the seed nodes).
/// </summary>
public interface IPartitionPlacement
{
    /// <summary>Starts what the placement needs in <paramref name="system"/> and says how the front reaches the partitions.</summary>
    /// <param name="store">The settings every partition's store runs with (the fence is started).</param>
    PlacedPartitions Place(ActorSystem system, StoreSettings store, PartitionMap map);
}
