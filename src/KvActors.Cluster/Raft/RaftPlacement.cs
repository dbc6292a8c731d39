using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Akka.Event;
using KvActors.Protocol;
using KvActors.Replication;
using KvActors.Replication.Placement;
using KvActors.Server;
using KvActors.Server.Partition;
using KvActors.Server.Partitioning;
using KvActors.Server.Persistence;
using KvActors.Server.Routing;

namespace KvActors.Cluster.Raft;

/// <summary>
/// Raft mode (<c>--replication raft</c>): every partition is a Raft group of replicas, founded on the seed nodes
/// (<see cref="ReplicaPlacement"/>) and moved from there by the <see cref="PlacementController"/> (a cluster
/// singleton) as nodes join, leave for good (<c>kv cluster leave</c>) or stay dead past <c>kv.raft.replace-dead-after</c>.
/// This node's <see cref="ReplicationHost"/> runs the replicas placed here, their logs in its own journal, and the
/// front reaches each partition's leader (<see cref="RaftPartitions"/>). Akka.Cluster provides the membership
/// (<c>kv cluster members</c>, the clients' member discovery) and tells routing which nodes are gone.
/// </summary>
public sealed class RaftPlacement(ServerSettings settings) : IPartitionPlacement
{
    private static readonly TimeSpan HandOffLimit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan HandOffPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(250);

    public PlacedPartitions Place(ActorSystem system, StoreSettings store, PartitionMap map)
    {
        var groups = GroupsFor(settings, map.Count);
        var partitions = new RaftPartitions(system, groups);
        // Before the replicas, so it hears their first leaders (news it misses only costs a probe).
        system.ActorOf(RoutingWatcher.Props(partitions), "routing-watcher");
        // The replicas' logs, and the record of which incarnation of them this node runs, live in the SQLite journal's
        // directory: one disk, lost or kept together.
        var journalDirectory = StorageOption.SqliteDirectory(settings.Journal, settings.DataDirectory) ?? settings.DataDirectory;
        var replication = new ReplicationSettings { Limits = store.Limits, DataDirectory = journalDirectory }.WithConfig(system.Settings.Config);
        var host = system.ActorOf(ReplicationHost.Props(replication, groups), ReplicationHost.Name);
        // First thing on a graceful stop (SIGTERM, kv cluster leave): hand this node's leaderships to followers, so
        // clients see a leader change instead of an election timeout.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "raft-hand-off-leadership",
            () => HandOffLeadershipAsync(system, host));
        // Leaving for good (kv cluster leave, not a signal): the controller moves this node's replicas away first.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseClusterExiting, "raft-move-replicas-away",
            () => CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterLeavingReason
                ? DrainAsync(system, host)
                : Task.FromResult(Done.Instance));
        system.ActorOf(ClusterSingletonManager.Props(PlacementController.Props(replication, settings.Replicas), PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system)), "placement-controller");
        // A killed node is downed at once, so requests waiting on its leaders are answered without their timeout.
        if (system.Settings.Config.GetBoolean("kv.down-dead-processes", true))
            system.ActorOf(DeadProcessDetector.Props(), "dead-process-detector");
        var membership = system.ActorOf(MembershipActor.Props(() => HostedByNodeAsync(system), RefuseLeave), "membership");
        // The node serves (forwarding to leaders) once its front is up, as a shared-journal cluster node does.
        return new PlacedPartitions(_ => partitions, HostedHere: 0, membership);
    }

    // Asks until no replica here leads, for at most HandOffLimit (below the phase's 5 s timeout): a group whose
    // followers are all gone keeps its leader here and elects one after this node stops.
    private static async Task<Done> HandOffLeadershipAsync(ActorSystem system, IActorRef host)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var remaining = -1;
        while (clock.Elapsed < HandOffLimit)
        {
            try
            {
                remaining = (await host.Ask<LeadersRemaining>(HandOffLeadership.Instance, TimeSpan.FromSeconds(2))).Count;
            }
            catch (AskTimeoutException)
            {
                continue;
            }

            if (remaining == 0) break;
            await Task.Delay(HandOffPoll);
        }

        system.Log.Info(remaining == 0
            ? $"Handed every leadership on this node to other replicas in {clock.Elapsed.TotalSeconds:0.00}s"
            : $"Stopping while {remaining} replicas here still lead; their groups elect new leaders after this node stops");
        return Done.Instance;
    }

    // Waits (within the phase timeout, see reference.conf) until no replica runs here: each was removed from its
    // group once its replacement elsewhere caught up.
    private static async Task<Done> DrainAsync(ActorSystem system, IActorRef host)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await host.Ask<Done>(DrainNode.Instance, TimeSpan.FromSeconds(5));
        while (true)
        {
            try
            {
                var view = await host.Ask<PlacementView>(GetPlacementView.Instance, TimeSpan.FromSeconds(2));
                // Members only: a replica its group no longer counts (a stale one) is not waited for.
                if (view.Replicas.All(r => !r.Members.Contains(r.ReplicaId))) break;
            }
            catch (AskTimeoutException)
            {
                // Its replicas are busy starting or stopping: ask again.
            }

            await Task.Delay(DrainPoll);
        }

        system.Log.Info($"Every replica on this node moved to other nodes in {clock.Elapsed.TotalSeconds:0.0}s; leaving the cluster");
        return Done.Instance;
    }

    // A node leaving for good hands its replicas to nodes that hold none of their groups: with fewer than `replicas`
    // nodes left, some have nowhere to go.
    private string? RefuseLeave(Akka.Cluster.Cluster cluster, Address leaving)
    {
        var staying = cluster.State.Members.Count(m => m.Address != leaving && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining);
        return staying >= settings.Replicas
            ? null
            : $"{leaving} cannot leave: {staying} nodes would stay for {settings.Replicas} replicas per partition, so its replicas would have " +
              "nowhere to go. Add a node first; or stop it (its replicas stay members, and their groups run on the others)";
    }

    // Which partitions each node runs a member replica of, as the nodes themselves answer.
    private static async Task<Dictionary<Address, int[]>> HostedByNodeAsync(ActorSystem system)
    {
        var members = Akka.Cluster.Cluster.Get(system).State.Members.Select(m => m.Address).ToArray();
        var views = await Task.WhenAll(members.Select(async node =>
        {
            try
            {
                return await system.ActorSelection(new RootActorPath(node) / "user" / ReplicationHost.Name)
                    .Ask<PlacementView>(GetPlacementView.Instance, TimeSpan.FromSeconds(2));
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        }));
        return views.OfType<PlacementView>().ToDictionary(v => v.Node,
            v => v.Replicas.Where(r => r.Members.Contains(r.ReplicaId)).Select(r => r.Partition).Order().ToArray());
    }

    /// <summary>The groups every node of the cluster computes alike from the seed list.</summary>
    public static IReadOnlyList<ReplicaGroup> GroupsFor(ServerSettings settings, int partitions) =>
        ReplicaPlacement.Groups(settings.SeedNodes.Select(s => Address.Parse(KvAddress.OfServer(s.Trim().ToLowerInvariant()))).ToArray(),
            partitions, settings.Replicas);
}
