using System.Globalization;
using KvActors.Protocol;

namespace KvActors.Cli;

/// <summary>The text lines <c>kv</c> prints for stats and members (the counterpart of <see cref="JsonFormat"/>).</summary>
internal static class TextFormat
{
    /// <summary>
    /// The store's counters, then what the answering node says about itself: the cluster (or that it is a single
    /// node), its members, the partitions the node hosts and how long each took to recover when it last started.
    /// </summary>
    public static IEnumerable<string> StatsLines(StoreStats stats)
    {
        yield return $"keys: {stats.Keys}";
        yield return $"revision: {stats.Revision}";
        yield return $"journal sequence: {stats.JournalSequenceNr}";
        yield return $"snapshot sequence: {stats.SnapshotSequenceNr}";
        yield return $"data dir: {stats.DataDirectory}";
        yield return $"uptime: {TimeSpan.FromSeconds(Math.Floor(stats.Uptime.TotalSeconds)):c}";
        yield return $"partitions: {stats.Partitions}";
        yield return $"node: {stats.Node}";
        if (stats.Cluster is { } cluster)
        {
            yield return $"cluster: {cluster.Members.Count} members";
            foreach (var member in cluster.Members) yield return $"member: {MemberLine(member, cluster.Leader)}";
        }
        else
        {
            yield return "cluster: no (single node)";
        }

        if (stats.Replication is { } replication)
        {
            yield return "replication: raft";
            foreach (var line in ReplicaLines(replication)) yield return line;
        }

        yield return $"node partitions: {string.Join(",", stats.Recoveries.Select(r => r.Partition))}";
        foreach (var r in stats.Recoveries)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"partition {r.Partition}: recovered in {r.Duration.TotalMilliseconds:0}ms, started {r.StartedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}");
        }
    }

    /// <summary>ADDRESS STATUS [leader] reachable|UNREACHABLE roles:R,.. partitions:P,..</summary>
    /// <summary>Per partition, a line for the group (leader, term, commit) and one per replica with its lag behind the
    /// leader's commit index.</summary>
    public static IEnumerable<string> ReplicaLines(PartitionReplicas replicas)
    {
        foreach (var (partition, leader, group) in replicas.ByPartition())
        {
            yield return leader is null
                ? $"partition {partition}: no leader"
                : string.Create(CultureInfo.InvariantCulture, $"partition {partition}: leader {leader.Node}, term {leader.Term}, commit {leader.Commit}");
            foreach (var r in group)
            {
                yield return r.Role == ReplicaStatus.Unreachable
                    ? string.Create(CultureInfo.InvariantCulture, $"  replica {r.ReplicaId} on {r.Node}: unreachable")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"  replica {r.ReplicaId} on {r.Node}: {r.Role}, term {r.Term}, commit {r.Commit}, applied {r.Applied}{Lag(leader, r)}");
            }
        }
    }

    private static string Lag(ReplicaStatus? leader, ReplicaStatus replica) =>
        leader is null ? "" : string.Create(CultureInfo.InvariantCulture, $", lag {Math.Max(0, leader.Commit - replica.Applied)}");

    public static string MemberLine(ClusterMember member, string? leader)
    {
        var isLeader = member.Address == leader ? " leader" : "";
        var roles = member.Roles.Count > 0 ? string.Join(",", member.Roles) : "-";
        return $"{member.Address} {member.Status}{isLeader} {(member.Reachable ? "reachable" : "UNREACHABLE")} roles:{roles} partitions:{string.Join(",", member.Partitions)}";
    }
}
