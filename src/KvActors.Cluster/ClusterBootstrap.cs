using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using KvActors.Server;
using KvActors.Server.Front;
using KvActors.Server.Partition;
using KvActors.Server.Routing;

namespace KvActors.Cluster;

/// <summary>
/// Cluster mode of the server: the same front, validation and partition hosts as on a single node, but the
/// partitions are entities of one shard region (<see cref="TypeName"/>) that places them on the cluster's nodes,
/// moves them when nodes join or leave, and restarts them on survivors when a node is downed. Every node starts
/// every partition eagerly (<see cref="PartitionLocator"/>), so recovery does not wait for the first request.
/// </summary>
public static class ClusterBootstrap
{
    public const string TypeName = "kv-partition";

    /// <summary>
    /// The ActorSystem configuration of a cluster node: <paramref name="baseConfig"/> with the cluster provider and
    /// the seed nodes on top (tuning of the failure detector, split brain resolver and sharding is in hocon/kv.conf).
    /// </summary>
    public static Config ConfigFor(ServerSettings settings, Config baseConfig)
    {
        var seeds = string.Join(", ", settings.SeedNodes.Select(s => $"\"akka.tcp://{ServerBootstrap.SystemName}@{s}\""));
        var roles = string.Join(", ", settings.Roles.Select(r => $"\"{r}\""));
        return ConfigurationFactory.ParseString($$"""
                akka.actor.provider = cluster
                akka.cluster.seed-nodes = [{{seeds}}]
                akka.cluster.roles = [{{roles}}]
                """)
            .WithFallback(baseConfig)
            .WithFallback(ClusterSharding.DefaultConfig());
    }

    /// <summary>
    /// Settles the partition layout, starts the shard region and the front, and asks the region to start every
    /// partition. Requests sent before the node is up wait in the region.
    /// </summary>
    public static IActorRef StartFront(ActorSystem system, ServerBootstrap bootstrap)
    {
        // The front exists first and answers "starting" while the layout is read.
        var front = system.ActorOf(KvFront.StartingProps(), KvFront.Name);
        var map = bootstrap.ResolveLayout(system);
        var store = bootstrap.StartFencing(system);
        var sharding = ClusterSharding.Get(system);
        var shardingSettings = ClusterShardingSettings.Create(system);
        // A partition moving to another node gets PartitionHandOff instead of a PoisonPill: its store finishes the
        // writes it accepted before stopping, so the new owner neither misses them nor races it in the journal.
        var region = sharding.Start(
            TypeName,
            entityId => PartitionHost.Props(store with { PartitionId = int.Parse(entityId, System.Globalization.CultureInfo.InvariantCulture) }),
            shardingSettings,
            new PartitionMessageExtractor(),
            sharding.DefaultShardAllocationStrategy(shardingSettings),
            PartitionHandOff.Instance);
        var partitions = new ShardedPartitions(region, map.Count);
        system.ActorOf(PartitionLocator.Props(region, partitions, map.Count), "partition-locator");
        if (system.Settings.Config.GetBoolean("kv.down-dead-processes", true))
            system.ActorOf(DeadProcessDetector.Props(), "dead-process-detector");
        var membership = system.ActorOf(MembershipActor.Props(region), "membership");
        front.Tell(new KvFront.Start(store, map, partitions, membership));
        return front;
    }
}
