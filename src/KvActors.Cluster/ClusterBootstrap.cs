using Akka.Configuration;
using KvActors.Cluster.Raft;
using KvActors.Protocol;
using KvActors.Replication;
using KvActors.Server;
using KvActors.Server.Routing;

namespace KvActors.Cluster;

/// <summary>
/// Cluster mode of the server: the same front, validation and partition hosts as on a single node, but the
/// partitions are entities of one shard region (<see cref="TypeName"/>) that places them on the cluster's nodes
/// (<see cref="ShardedPlacement"/>). This is the configuration that makes a node a cluster member.
/// </summary>
public static class ClusterBootstrap
{
    public const string TypeName = "kv-partition";

    /// <summary>
    /// The wiring kv-server starts with: a cluster node's configuration (<see cref="ConfigFor"/>) when
    /// <paramref name="settings"/> make this a cluster node, <paramref name="baseConfig"/> as it is otherwise.
    /// </summary>
    public static ServerBootstrap ServerFor(ServerSettings settings, Config baseConfig) =>
        new(settings, settings.IsClusterNode ? ConfigFor(settings, baseConfig) : baseConfig);

    /// <summary>
    /// The ActorSystem configuration of a cluster node: <paramref name="baseConfig"/> with the cluster provider and
    /// the seed nodes on top, over the built-in cluster settings (<see cref="ClusterConfig"/>). The failure detector
    /// and the split brain resolver are tuned in hocon/kv.conf.
    /// </summary>
    public static Config ConfigFor(ServerSettings settings, Config baseConfig)
    {
        var seeds = string.Join(", ", settings.SeedNodes.Select(s => $"\"{KvAddress.OfServer(s)}\""));
        var roles = string.Join(", ", settings.Roles.Select(r => $"\"{r}\""));
        var config = ConfigurationFactory.ParseString($$"""
                akka.actor.provider = cluster
                akka.cluster.seed-nodes = [{{seeds}}]
                akka.cluster.roles = [{{roles}}]
                """)
            .WithFallback(baseConfig)
            .WithFallback(ClusterConfig.Default);
        if (settings.Replication != ReplicationMode.Raft) return config;
        // Raft decides leadership itself, so nothing here needs an unreachable node removed, and removing one would
        // quarantine it: a node paused past the resolver's patience (a GC pause, a stalled VM) could then never talk
        // to its peers again and would exit. Without a downing provider it is simply unreachable until it answers
        // again; a dead process is still downed at once (DeadProcessDetector), so its restart can rejoin.
        return ConfigurationFactory.ParseString("akka.cluster.downing-provider-class = \"\"")
            .WithFallback(config)
            .WithFallback(ReplicationConfig.Default); // Raft traffic's serializer and remoting settings.
    }

    /// <summary>Where a cluster node's partitions run: shard entities on a shared journal, or Raft groups.</summary>
    public static IPartitionPlacement PlacementFor(ServerSettings settings) =>
        settings.Replication == ReplicationMode.Raft ? new RaftPlacement(settings) : ShardedPlacement.Instance;
}
