using System.Text.Json;
using KvActors.Cli;
using KvActors.Protocol;
using Xunit;

namespace KvActors.Tests.Cli;

/// <summary>What <c>kv stats</c> prints, as text and as JSON, for a cluster node and a single node.</summary>
public sealed class CliStatsFormatSpec
{
    private const string Node = "akka.tcp://kv@127.0.0.1:4061";

    private static readonly DateTimeOffset Started = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    private static readonly ClusterMembers Cluster = new(
    [
        new ClusterMember(Node, "Up", [], true, [0, 2]),
        new ClusterMember("akka.tcp://kv@127.0.0.1:4062", "Up", ["a"], false, [1]),
    ], Node);

    private static StoreStats Stats(ClusterMembers? cluster) => new(5, 6, 7, 2, "/data", TimeSpan.FromSeconds(61.7), Partitions: 3)
    {
        Node = Node,
        Recoveries =
        [
            new PartitionRecovery(0, Node, Started, TimeSpan.FromMilliseconds(12.4)),
            new PartitionRecovery(2, Node, Started.AddSeconds(1), TimeSpan.FromSeconds(2)),
        ],
        Cluster = cluster,
    };

    [Fact]
    public void TextFormat_should_print_the_members_node_partitions_and_recovery_times_after_the_counters()
    {
        Assert.Equal(
        [
            "keys: 5",
            "revision: 6",
            "journal sequence: 7",
            "snapshot sequence: 2",
            "data dir: /data",
            "uptime: 00:01:01",
            "partitions: 3",
            $"node: {Node}",
            "cluster: 2 members",
            $"member: {Node} Up leader reachable roles:- partitions:0,2",
            "member: akka.tcp://kv@127.0.0.1:4062 Up UNREACHABLE roles:a partitions:1",
            "node partitions: 0,2",
            "partition 0: recovered in 12ms, started 2023-11-14T22:13:20.123Z",
            "partition 2: recovered in 2000ms, started 2023-11-14T22:13:21.123Z",
        ], TextFormat.StatsLines(Stats(Cluster)));
    }

    [Fact]
    public void TextFormat_should_say_a_single_node_is_no_cluster()
    {
        var lines = TextFormat.StatsLines(Stats(cluster: null)).ToArray();
        Assert.Equal(["cluster: no (single node)", "node partitions: 0,2"], lines[8..10]);
        Assert.DoesNotContain(lines, l => l.StartsWith("member:", StringComparison.Ordinal));
    }

    [Fact]
    public void JsonFormat_should_carry_the_cluster_node_partitions_and_recoveries()
    {
        var cluster = Json(Stats(Cluster));
        Assert.Equal(Node, cluster.GetProperty("node").GetString());
        Assert.True(cluster.GetProperty("clusterEnabled").GetBoolean());
        Assert.Equal(2, cluster.GetProperty("cluster").GetProperty("members").GetArrayLength());
        Assert.Equal([0, 2], cluster.GetProperty("nodePartitions").EnumerateArray().Select(p => p.GetInt32()));
        var recovery = cluster.GetProperty("recoveries")[1];
        Assert.Equal(2, recovery.GetProperty("partition").GetInt32());
        Assert.Equal(2000, recovery.GetProperty("recoveryMs").GetDouble());
        Assert.Equal(Started.AddSeconds(1), recovery.GetProperty("startedAt").GetDateTimeOffset());

        var single = Json(Stats(cluster: null));
        Assert.False(single.GetProperty("clusterEnabled").GetBoolean());
        Assert.False(single.TryGetProperty("cluster", out _));
        Assert.Equal(2, single.GetProperty("recoveries").GetArrayLength());
    }

    private static readonly PartitionReplicas Replicas = new(
    [
        new ReplicaStatus(0, Node, 1, ReplicaStatus.Leader, 3, 1, 40, 40, 40),
        new ReplicaStatus(0, "akka.tcp://kv@127.0.0.1:4062", 2002, ReplicaStatus.Learner, 3, 1, 38, 35, 38),
    ]);

    [Fact]
    public void Stats_of_a_raft_cluster_should_list_every_replica_in_text_and_json()
    {
        var stats = Stats(Cluster) with { Replication = Replicas };
        var lines = TextFormat.StatsLines(stats).ToArray();
        Assert.Equal(
        [
            "replication: raft",
            $"partition 0: leader {Node}, term 3, commit 40",
            $"  replica 1 on {Node}: leader, term 3, commit 40, applied 40, lag 0",
            "  replica 2002 on akka.tcp://kv@127.0.0.1:4062: learner, term 3, commit 38, applied 35, lag 5",
            "node partitions: 0,2",
        ], lines[11..16]);

        var replicas = Json(stats).GetProperty("replication").GetProperty("partitions")[0].GetProperty("replicas");
        Assert.Equal(["leader", "learner"], replicas.EnumerateArray().Select(r => r.GetProperty("role").GetString()));
        Assert.False(Json(Stats(Cluster)).TryGetProperty("replication", out _));
    }

    private static JsonElement Json(StoreStats stats)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) JsonFormat.WriteStats(writer, stats);
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
