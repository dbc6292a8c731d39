using System.Text.Json;
using System.Text.Unicode;
using KvActors.Protocol;

namespace KvActors.Cli;

/// <summary>The JSON shapes <c>kv --json</c> prints.</summary>
internal static class JsonFormat
{
    /// <summary>{"key","value","revision"}; a value that is not UTF-8 text is base64 with "encoding":"base64".</summary>
    public static void WriteEntry(Utf8JsonWriter json, string key, byte[] value, long revision)
    {
        json.WriteStartObject();
        json.WriteString("key", key);
        if (Utf8.IsValid(value))
        {
            json.WriteString("value", value);
        }
        else
        {
            json.WriteBase64String("value", value);
            json.WriteString("encoding", "base64");
        }

        json.WriteNumber("revision", revision);
        json.WriteEndObject();
    }

    public static void WriteRevision(Utf8JsonWriter json, long revision)
    {
        json.WriteStartObject();
        json.WriteNumber("revision", revision);
        json.WriteEndObject();
    }

    public static void WriteStats(Utf8JsonWriter json, StoreStats stats)
    {
        json.WriteStartObject();
        json.WriteNumber("keys", stats.Keys);
        json.WriteNumber("revision", stats.Revision);
        json.WriteNumber("journalSequenceNr", stats.JournalSequenceNr);
        json.WriteNumber("snapshotSequenceNr", stats.SnapshotSequenceNr);
        json.WriteString("dataDirectory", stats.DataDirectory);
        json.WriteNumber("uptimeSeconds", Math.Round(stats.Uptime.TotalSeconds, 3));
        json.WriteNumber("partitions", stats.Partitions);
        json.WriteString("node", stats.Node);
        json.WriteBoolean("clusterEnabled", stats.Cluster is not null);
        if (stats.Cluster is { } cluster)
        {
            json.WritePropertyName("cluster");
            WriteMembers(json, cluster);
        }

        if (stats.Replication is { } replication)
        {
            json.WritePropertyName("replication");
            WriteReplicas(json, replication);
        }

        json.WriteStartArray("nodePartitions");
        foreach (var r in stats.Recoveries) json.WriteNumberValue(r.Partition);
        json.WriteEndArray();
        json.WriteStartArray("recoveries");
        foreach (var r in stats.Recoveries)
        {
            json.WriteStartObject();
            json.WriteNumber("partition", r.Partition);
            json.WriteString("startedAt", r.StartedAt.UtcDateTime);
            json.WriteNumber("recoveryMs", Math.Round(r.Duration.TotalMilliseconds, 3));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>{"partitions":[{"partition","leader","term","commit","replicas":[{"id","node","role","term","commit","applied","lag"}]}]};
    /// leader, term and commit are null while a partition has no leader, and so is each lag.</summary>
    public static void WriteReplicas(Utf8JsonWriter json, PartitionReplicas replicas)
    {
        json.WriteStartObject();
        json.WriteStartArray("partitions");
        foreach (var (partition, leader, group) in replicas.ByPartition())
        {
            json.WriteStartObject();
            json.WriteNumber("partition", partition);
            if (leader is null)
            {
                json.WriteNull("leader");
                json.WriteNull("term");
                json.WriteNull("commit");
            }
            else
            {
                json.WriteString("leader", leader.Node);
                json.WriteNumber("term", leader.Term);
                json.WriteNumber("commit", leader.Commit);
            }

            json.WriteStartArray("replicas");
            foreach (var r in group)
            {
                json.WriteStartObject();
                json.WriteNumber("id", r.ReplicaId);
                json.WriteString("node", r.Node);
                json.WriteString("role", r.Role);
                var answered = r.Role != ReplicaStatus.Unreachable;
                if (answered) json.WriteNumber("term", r.Term); else json.WriteNull("term");
                if (answered) json.WriteNumber("commit", r.Commit); else json.WriteNull("commit");
                if (answered) json.WriteNumber("applied", r.Applied); else json.WriteNull("applied");
                if (answered && leader is not null) json.WriteNumber("lag", Math.Max(0, leader.Commit - r.Applied)); else json.WriteNull("lag");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>{"leader","members":[{"address","status","reachable","roles","partitions"}]}</summary>
    public static void WriteMembers(Utf8JsonWriter json, ClusterMembers cluster)
    {
        json.WriteStartObject();
        if (cluster.Leader is { } leader) json.WriteString("leader", leader);
        json.WriteStartArray("members");
        foreach (var m in cluster.Members)
        {
            json.WriteStartObject();
            json.WriteString("address", m.Address);
            json.WriteString("status", m.Status);
            json.WriteBoolean("reachable", m.Reachable);
            json.WriteStartArray("roles");
            foreach (var role in m.Roles) json.WriteStringValue(role);
            json.WriteEndArray();
            json.WriteStartArray("partitions");
            foreach (var partition in m.Partitions) json.WriteNumberValue(partition);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
