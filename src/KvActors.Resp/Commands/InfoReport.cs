using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using KvActors.Protocol;

namespace KvActors.Resp.Commands;

/// <summary>
/// The text of INFO: Redis's section and field names where they mean the same here (so monitoring tools read them),
/// plus kv_* fields for what only this store has (revision, journal and snapshot positions).
/// </summary>
internal static class InfoReport
{
    private static readonly string[] DefaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cluster", "keyspace"];

    // Redis's run_id: 40 hex characters, new for each server process.
    private static readonly string RunId = RandomNumberGenerator.GetHexString(40, lowercase: true);

    /// <param name="replicas">A Raft cluster's replicas (null in other modes), for the replication section.</param>
    public static string Build(IReadOnlyCollection<string> requested, StoreStats store, PartitionReplicas? replicas, CommandContext context)
    {
        var all = requested.Count == 0 || requested.Any(s => s is "all" or "everything" or "default");
        var sections = all ? DefaultSections : DefaultSections.Where(requested.Contains);
        var text = new StringBuilder();
        foreach (var section in sections)
        {
            if (text.Length > 0) text.Append("\r\n");
            Append(text, section, store, replicas, context);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string section, StoreStats store, PartitionReplicas? replicas, CommandContext context)
    {
        var server = context.Server;
        var uptime = server.Clock.GetUtcNow() - server.StartedAt;
        switch (section)
        {
            case "server":
                Header(text, "Server");
                Field(text, "redis_version", ConnectionCommands.CompatibleRedisVersion);
                Field(text, "kvactors_version", typeof(InfoReport).Assembly.GetName().Version?.ToString() ?? "0");
                Field(text, "redis_mode", "standalone");
                Field(text, "os", RuntimeInformation.OSDescription);
                Field(text, "arch_bits", Environment.Is64BitProcess ? 64 : 32);
                Field(text, "process_id", Environment.ProcessId);
                Field(text, "run_id", RunId);
                Field(text, "tcp_port", server.Port);
                Field(text, "uptime_in_seconds", (long)uptime.TotalSeconds);
                Field(text, "uptime_in_days", (long)uptime.TotalDays);
                break;
            case "clients":
                Header(text, "Clients");
                Field(text, "connected_clients", server.Stats.ConnectedClients);
                Field(text, "maxclients", server.Settings.MaxClients);
                break;
            case "memory":
                var used = GC.GetTotalMemory(forceFullCollection: false);
                Header(text, "Memory");
                Field(text, "used_memory", used);
                Field(text, "used_memory_human", $"{used / (1024.0 * 1024.0):0.00}M");
                Field(text, "used_memory_rss", Environment.WorkingSet);
                Field(text, "maxmemory", 0);
                Field(text, "maxmemory_policy", "noeviction");
                break;
            case "persistence":
                Header(text, "Persistence");
                Field(text, "loading", 0);
                Field(text, "kv_revision", store.Revision);
                Field(text, "kv_journal_sequence_nr", store.JournalSequenceNr);
                Field(text, "kv_snapshot_sequence_nr", store.SnapshotSequenceNr);
                Field(text, "kv_data_dir", store.DataDirectory);
                Field(text, "kv_store_uptime_in_seconds", (long)store.Uptime.TotalSeconds);
                break;
            case "stats":
                Header(text, "Stats");
                Field(text, "total_connections_received", server.Stats.TotalConnections);
                Field(text, "total_commands_processed", server.Stats.CommandsProcessed);
                Field(text, "rejected_connections", server.Stats.RejectedConnections);
                break;
            case "replication":
                Header(text, "Replication");
                Field(text, "role", "master");
                Field(text, "connected_slaves", 0);
                if (replicas is not null) AppendRaft(text, replicas, store.Node);
                break;
            case "cluster":
                AppendCluster(text, store);
                break;
            case "keyspace":
                // The store does not count keys with an expiry, hence expires=0.
                Header(text, "Keyspace");
                text.Append("db0:keys=").Append(store.Keys).Append(",expires=0,avg_ttl=0\r\n");
                break;
        }
    }

    // cluster_enabled is always 0: clients read 1 as "speak Redis Cluster's protocol" (CLUSTER SLOTS, MOVED), which
    // we do not, and need not: any node serves any key. Whether this node is a KvActors cluster member is
    // kv_cluster_mode. Then the kv_* fields: the members (one Redis-INFO-style line each, as Redis's slave0:...), the partitions this
    // node hosts and how long each took to recover from the journal when it last started (a single node hosts all).
    private static void AppendCluster(StringBuilder text, StoreStats store)
    {
        Header(text, "Cluster");
        Field(text, "cluster_enabled", 0);
        Field(text, "kv_cluster_mode", store.Cluster is null ? 0 : 1);
        Field(text, "kv_partitions", store.Partitions);
        Field(text, "kv_node", store.Node);
        if (store.Cluster is { } cluster)
        {
            Field(text, "kv_cluster_members", cluster.Members.Count);
            for (var i = 0; i < cluster.Members.Count; i++)
            {
                var member = cluster.Members[i];
                Field(text, $"kv_member{i}", FormattableString.Invariant(
                    $"address={member.Address},status={member.Status},reachable={(member.Reachable ? 1 : 0)},partitions={member.Partitions.Count}"));
            }
        }

        Field(text, "kv_node_partitions", string.Join(",", store.Recoveries.Select(r => r.Partition)));
        foreach (var recovery in store.Recoveries)
        {
            Field(text, $"kv_partition{recovery.Partition}", FormattableString.Invariant(
                $"recovery_ms={(long)recovery.Duration.TotalMilliseconds},started_at_ms={recovery.StartedAt.ToUnixTimeMilliseconds()}"));
        }
    }

    // A Raft cluster: per partition its leader, term and commit index, and its replicas' worst lag behind that commit
    // (as kv cluster partitions shows them), plus how many partitions this node leads.
    private static void AppendRaft(StringBuilder text, PartitionReplicas replicas, string? node)
    {
        var groups = replicas.ByPartition().ToArray();
        Field(text, "kv_replication", "raft");
        Field(text, "kv_raft_partitions_led_here", groups.Count(g => g.Leader is not null && g.Leader.Node == node));
        foreach (var (partition, found, group) in groups)
        {
            var unreachable = group.Count(r => r.Role == ReplicaStatus.Unreachable);
            Field(text, $"kv_raft_partition{partition}", found is { } leader
                ? FormattableString.Invariant(
                    $"leader={leader.Node},term={leader.Term},commit={leader.Commit},replicas={group.Count},unreachable={unreachable},max_lag={group.Where(r => r.Role != ReplicaStatus.Unreachable).Max(r => Math.Max(0, leader.Commit - r.Applied))}")
                : FormattableString.Invariant($"leader=none,replicas={group.Count},unreachable={unreachable}"));
        }
    }

    private static void Header(StringBuilder text, string name) => text.Append("# ").Append(name).Append("\r\n");

    private static void Field(StringBuilder text, string name, object value) =>
        text.Append(name).Append(':').Append(value).Append("\r\n");
}
