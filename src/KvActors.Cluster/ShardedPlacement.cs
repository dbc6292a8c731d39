using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using KvActors.Server.Partition;
using KvActors.Server.Partitioning;
using KvActors.Server.Routing;

namespace KvActors.Cluster;

/// <summary>
/// Cluster mode: the partitions are entities of one shard region (<see cref="ClusterBootstrap.TypeName"/>) that places
/// them on the cluster's nodes, moves them when nodes join or leave, and restarts them on survivors when a node is
/// downed. Every node starts every partition eagerly (<see cref="PartitionLocator"/>), so recovery does not wait for
/// the first request; requests sent before the node is up wait in the region.
/// </summary>
public sealed class ShardedPlacement : IPartitionPlacement
{
    public static readonly ShardedPlacement Instance = new();

    private ShardedPlacement()
    {
    }

    public PlacedPartitions Place(ActorSystem system, StoreSettings store, PartitionMap map)
    {
        var sharding = ClusterSharding.Get(system);
        var shardingSettings = ClusterShardingSettings.Create(system);
        // A partition moving to another node gets PartitionHandOff instead of a PoisonPill: its store finishes the
        // writes it accepted before stopping, so the new owner neither misses them nor races it in the journal.
        var region = sharding.Start(
            ClusterBootstrap.TypeName,
            entityId => PartitionHost.Props(store with { PartitionId = int.Parse(entityId, CultureInfo.InvariantCulture) }),
            shardingSettings,
            new PartitionMessageExtractor(),
            sharding.DefaultShardAllocationStrategy(shardingSettings),
            PartitionHandOff.Instance);
        var partitions = new ShardedPartitions(region, map.Count);
        system.ActorOf(PartitionLocator.Props(region, partitions, map.Count), "partition-locator");
        system.ActorOf(HandOffDropReplier.Props(), "hand-off-drop-replier");
        if (system.Settings.Config.GetBoolean("kv.down-dead-processes", true))
            system.ActorOf(DeadProcessDetector.Props(), "dead-process-detector");
        var membership = system.ActorOf(MembershipActor.Props(region), "membership");
        // Sharding decides which partitions run here: none has to before this node is ready.
        return new PlacedPartitions(_ => partitions, HostedHere: 0, membership);
    }
}
