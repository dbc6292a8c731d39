using Akka.Actor;
using KvActors.Protocol;
using KvActors.Replication;
using KvActors.Server;
using KvActors.Server.Partition;
using KvActors.Server.Partitioning;
using KvActors.Server.Routing;

namespace KvActors.Cluster.Raft;

/// <summary>
/// Raft mode (<c>--replication raft</c>): every partition is a Raft group of replicas on the seed nodes, placed
/// statically (<see cref="ReplicaPlacement"/>); this node's <see cref="ReplicationHost"/> runs the replicas placed
/// here, their logs in its own journal, and the front reaches each partition's leader (<see cref="RaftPartitions"/>).
/// Akka.Cluster still provides the membership (<c>kv cluster members</c>, the clients' member discovery) and tells
/// routing which nodes are gone; it places nothing.
/// </summary>
public sealed class RaftPlacement(ServerSettings settings) : IPartitionPlacement
{
    public PlacedPartitions Place(ActorSystem system, StoreSettings store, PartitionMap map)
    {
        var groups = GroupsFor(settings, map.Count);
        var partitions = new RaftPartitions(system, groups);
        // Before the replicas, so it hears their first leaders (news it misses only costs a probe).
        system.ActorOf(RoutingWatcher.Props(partitions), "routing-watcher");
        var replication = new ReplicationSettings { Limits = store.Limits }.WithConfig(system.Settings.Config);
        system.ActorOf(ReplicationHost.Props(replication, groups), ReplicationHost.Name);
        // A killed node is downed at once, so requests waiting on its leaders are answered without their timeout.
        if (system.Settings.Config.GetBoolean("kv.down-dead-processes", true))
            system.ActorOf(DeadProcessDetector.Props(), "dead-process-detector");
        var replicas = groups
            .SelectMany(g => g.Replicas.Values.Select(node => (node, g.Partition)))
            .GroupBy(r => r.node, r => r.Partition)
            .ToDictionary(r => r.Key, r => r.Order().ToArray());
        var membership = system.ActorOf(MembershipActor.Props(replicas), "membership");
        // The node serves (forwarding to leaders) once its front is up, as a shared-journal cluster node does.
        return new PlacedPartitions(_ => partitions, HostedHere: 0, membership);
    }

    /// <summary>The groups every node of the cluster computes alike from the seed list.</summary>
    public static IReadOnlyList<ReplicaGroup> GroupsFor(ServerSettings settings, int partitions) =>
        ReplicaPlacement.Groups(settings.SeedNodes.Select(s => Address.Parse(KvAddress.OfServer(s.Trim().ToLowerInvariant()))).ToArray(),
            partitions, settings.Replicas);
}
