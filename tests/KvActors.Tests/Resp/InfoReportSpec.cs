using KvActors.Protocol;
using KvActors.Resp;
using KvActors.Resp.Commands;
using KvActors.Resp.Server;
using KvActors.Tests.Infrastructure;
using Xunit;

namespace KvActors.Tests.Resp;

/// <summary>The cluster and replication sections of INFO, from the stats a front answers, without a store.</summary>
public sealed class InfoReportSpec
{
    private const string Node = "akka.tcp://kv@127.0.0.1:4061";

    private static readonly DateTimeOffset Started = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    private readonly CommandContext _context =
        new(new ClientSession(1, "test"), new RespServerState(new RespSettings(), new FixedClock(Started)));

    private static StoreStats Stats(ClusterMembers? cluster) => new(5, 6, 6, 0, "data", TimeSpan.FromMinutes(1), Partitions: 4)
    {
        Node = Node,
        Recoveries =
        [
            new PartitionRecovery(1, Node, Started, TimeSpan.FromMilliseconds(12.7)),
            new PartitionRecovery(3, Node, Started.AddSeconds(2), TimeSpan.FromSeconds(1.5)),
        ],
        Cluster = cluster,
    };

    [Fact]
    public void InfoReport_should_list_members_node_partitions_and_recovery_times_of_a_cluster_node()
    {
        var cluster = new ClusterMembers(
        [
            new ClusterMember(Node, "Up", [], true, [1, 3]),
            new ClusterMember("akka.tcp://kv@127.0.0.1:4062", "Up", ["a"], false, [0, 2]),
            new ClusterMember("akka.tcp://kv@127.0.0.1:4063", "Leaving", [], true, []),
        ], Node);

        Assert.Equal(
            "# Cluster\r\n" +
            "cluster_enabled:0\r\n" +
            "kv_cluster_mode:1\r\n" +
            "kv_partitions:4\r\n" +
            $"kv_node:{Node}\r\n" +
            "kv_cluster_members:3\r\n" +
            $"kv_member0:address={Node},status=Up,reachable=1,partitions=2\r\n" +
            "kv_member1:address=akka.tcp://kv@127.0.0.1:4062,status=Up,reachable=0,partitions=2\r\n" +
            "kv_member2:address=akka.tcp://kv@127.0.0.1:4063,status=Leaving,reachable=1,partitions=0\r\n" +
            "kv_node_partitions:1,3\r\n" +
            "kv_partition1:recovery_ms=12,started_at_ms=1700000000123\r\n" +
            "kv_partition3:recovery_ms=1500,started_at_ms=1700000002123\r\n",
            InfoReport.Build(["cluster"], Stats(cluster), replicas: null, _context));
    }

    [Fact]
    public void InfoReport_should_show_a_single_node_as_no_cluster_with_its_partitions_and_recovery_times()
    {
        Assert.Equal(
            "# Cluster\r\n" +
            "cluster_enabled:0\r\n" +
            "kv_cluster_mode:0\r\n" +
            "kv_partitions:4\r\n" +
            $"kv_node:{Node}\r\n" +
            "kv_node_partitions:1,3\r\n" +
            "kv_partition1:recovery_ms=12,started_at_ms=1700000000123\r\n" +
            "kv_partition3:recovery_ms=1500,started_at_ms=1700000002123\r\n",
            InfoReport.Build(["cluster"], Stats(cluster: null), replicas: null, _context));
    }

    [Fact]
    public void InfoReport_should_show_each_raft_partitions_leader_term_commit_and_worst_lag_in_replication()
    {
        const string Other = "akka.tcp://kv@127.0.0.1:4062";
        const string Third = "akka.tcp://kv@127.0.0.1:4063";
        var replicas = new PartitionReplicas(
        [
            new ReplicaStatus(0, Node, 1, "leader", 3, 1, 120, 120, 120),
            new ReplicaStatus(0, Other, 2, "follower", 3, 1, 118, 117, 120),
            ReplicaStatus.NotAnswered(0, Third, 3),
            new ReplicaStatus(1, Node, 1, "follower", 2, 0, 40, 40, 40),
            new ReplicaStatus(1, Other, 2, "candidate", 3, 0, 40, 40, 40),
        ]);

        Assert.Equal(
            "# Replication\r\n" +
            "role:master\r\n" +
            "connected_slaves:0\r\n" +
            "kv_replication:raft\r\n" +
            "kv_raft_partitions_led_here:1\r\n" +
            $"kv_raft_partition0:leader={Node},term=3,commit=120,replicas=3,unreachable=1,max_lag=3\r\n" +
            "kv_raft_partition1:leader=none,replicas=2,unreachable=0\r\n",
            InfoReport.Build(["replication"], Stats(cluster: null), replicas, _context));
    }
}
