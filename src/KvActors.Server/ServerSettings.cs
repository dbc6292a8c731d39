using Akka.Configuration;
using KvActors.Protocol;
using KvActors.Server.Persistence;

namespace KvActors.Server;

/// <summary>The settings an operator chooses (the <c>kv</c> section of hocon/kv.conf, flags, environment).</summary>
public sealed record ServerSettings
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Remoting port; 0 picks a free one.</summary>
    public int Port { get; init; } = 4053;

    public string DataDirectory { get; init; } = "data";

    /// <summary>
    /// Where the journal and snapshots live: <c>sqlite:DIR</c> or <c>postgres:CONNECTION_STRING</c>; null means
    /// SQLite in <see cref="DataDirectory"/>. Parsed by <see cref="StorageOption.Parse"/>.
    /// </summary>
    public string? Journal { get; init; }

    public int SnapshotEvery { get; init; } = 50_000;

    /// <summary>
    /// Partition count for new data; existing data keeps the count it was created with. One partition keeps every
    /// multi-key command atomic across all keys (standalone Redis semantics); more spread the keys over independent
    /// stores that can later live on different cluster nodes, at the price of Redis Cluster's CROSSSLOT rule.
    /// </summary>
    public int Partitions { get; init; } = 1;

    public Durability Durability { get; init; } = Durability.Process;

    public int MaxValueBytes { get; init; } = ProtocolLimits.DefaultMaxValueBytes;

    /// <summary>Requests the store may hold unanswered (queued or awaiting the journal); beyond it callers get Busy.</summary>
    public int MaxPendingRequests { get; init; } = 20_000;

    /// <summary>
    /// Remoting addresses (HOST:PORT) of the cluster's seed nodes. Empty: a single-node server, unless
    /// <see cref="Cluster"/> asks for a cluster node that will be joined by hand.
    /// </summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Run as a cluster node (implied by <see cref="SeedNodes"/>).</summary>
    public bool Cluster { get; init; }

    public bool IsClusterNode => Cluster || SeedNodes.Count > 0;

    /// <summary>
    /// How a cluster node keeps its partitions: <see cref="ReplicationMode.SharedJournal"/> (the default) or
    /// <see cref="ReplicationMode.Raft"/>, where the seed nodes are the founding replicas of every partition.
    /// </summary>
    public ReplicationMode Replication { get; init; } = ReplicationMode.SharedJournal;

    /// <summary>Raft mode: replicas per partition (odd); a cluster of fewer seed nodes has one replica per node.</summary>
    public int Replicas { get; init; } = 3;

    /// <summary>This node as the seed list names it (HOST:PORT of its remoting).</summary>
    public string SelfEndpoint => $"{Host}:{Port}";

    /// <summary>Redis protocol (RESP) port; 0 picks a free one, <see cref="RespDisabled"/> (-1) turns RESP off.</summary>
    public int RespPort { get; init; } = 6379;

    public const int RespDisabled = -1;

    /// <summary>How often long work (the integrity check, a partition's recovery) says how far it got, once it takes longer.</summary>
    public TimeSpan ProgressEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads the <c>kv</c> section; missing keys keep their defaults.</summary>
    public static ServerSettings FromConfig(Config config)
    {
        var kv = config.GetConfig("kv") ?? Config.Empty;
        var defaults = new ServerSettings();
        return new ServerSettings
        {
            Host = kv.GetString("host", defaults.Host),
            Port = kv.GetInt("port", defaults.Port),
            DataDirectory = kv.GetString("data-dir", defaults.DataDirectory),
            Journal = kv.GetString("journal", null) is { Length: > 0 } journal ? journal : null,
            SnapshotEvery = kv.GetInt("snapshot-every", defaults.SnapshotEvery),
            Partitions = kv.GetInt("partitions", defaults.Partitions),
            Durability = ParseDurability(kv.GetString("durability", "process")),
            MaxValueBytes = kv.GetInt("max-value-bytes", defaults.MaxValueBytes),
            RespPort = kv.GetInt("resp-port", defaults.RespPort),
            MaxPendingRequests = kv.GetInt("max-pending-requests", defaults.MaxPendingRequests),
            SeedNodes = kv.GetStringList("seed-nodes", []).ToArray(),
            Roles = kv.GetStringList("roles", []).ToArray(),
            ProgressEvery = kv.GetTimeSpan("progress-every", defaults.ProgressEvery),
            Replication = ParseReplication(kv.GetString("replication", "shared-journal")),
            Replicas = kv.GetInt("replicas", defaults.Replicas),
        };
    }

    public static Durability ParseDurability(string text) => text.Trim().ToLowerInvariant() switch
    {
        "process" => Durability.Process,
        "fsync" => Durability.Fsync,
        _ => throw new ArgumentException($"durability must be 'process' or 'fsync', got '{text}'"),
    };

    public static ReplicationMode ParseReplication(string text) => text.Trim().ToLowerInvariant() switch
    {
        "shared-journal" => ReplicationMode.SharedJournal,
        "raft" => ReplicationMode.Raft,
        _ => throw new ArgumentException($"replication must be 'raft' or 'shared-journal', got '{text}'"),
    };

    /// <summary>The option's spelling of <paramref name="mode"/>, as operators type it.</summary>
    public static string NameOf(ReplicationMode mode) => mode == ReplicationMode.Raft ? "raft" : "shared-journal";

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line reason if a setting is out of range.</summary>
    public ServerSettings Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"port must be 0..65535, got {Port}");
        if (RespPort is < RespDisabled or > 65535) throw new ArgumentException($"resp-port must be -1 (off) or 0..65535, got {RespPort}");
        if (RespPort > 0 && RespPort == Port) throw new ArgumentException($"resp-port and port must differ, both are {Port}");
        if (Partitions is < 1 or > Partitioning.PartitionMap.MaxPartitions)
            throw new ArgumentException($"partitions must be 1..{Partitioning.PartitionMap.MaxPartitions}, got {Partitions}");
        if (SnapshotEvery < 1) throw new ArgumentException($"snapshot-every must be at least 1, got {SnapshotEvery}");
        if (MaxValueBytes is < 1 or > ProtocolLimits.LargestMaxValueBytes)
            throw new ArgumentException($"max-value-bytes must be 1..{ProtocolLimits.LargestMaxValueBytes}, got {MaxValueBytes}");
        foreach (var seed in SeedNodes)
        {
            if (seed.LastIndexOf(':') is var colon && (colon < 1 || !int.TryParse(seed[(colon + 1)..], out var port) || port is < 1 or > 65535))
                throw new ArgumentException($"seed node must be HOST:PORT (its remoting port), got '{seed}'");
        }

        if (ProgressEvery <= TimeSpan.Zero) throw new ArgumentException($"progress-every must be positive, got {ProgressEvery}");
        if (MaxPendingRequests < 1) throw new ArgumentException($"max-pending-requests must be at least 1, got {MaxPendingRequests}");
        if (string.IsNullOrWhiteSpace(DataDirectory)) throw new ArgumentException("data-dir must not be empty");
        if (Replicas < 1 || Replicas % 2 == 0) throw new ArgumentException($"replicas must be an odd number, at least 1, got {Replicas}");
        if (Replication == ReplicationMode.Raft) ValidateRaft();
        return this;
    }

    // The seed list is the founding membership (etcd's --initial-cluster): every node must compute the same founding
    // groups from it. A node outside it joins, and the placement controller moves replicas onto it.
    private void ValidateRaft()
    {
        if (SeedNodes.Count == 0)
            throw new ArgumentException("replication raft needs --seed-nodes: the seed nodes are the founding replicas of every partition");
        if (Port == 0)
            throw new ArgumentException("replication raft needs a fixed --port, not 0: the other nodes find this node's replicas at its address");
        if (SeedNodes.Distinct(StringComparer.OrdinalIgnoreCase).Count() != SeedNodes.Count)
            throw new ArgumentException($"replication raft needs distinct --seed-nodes, got {string.Join(",", SeedNodes)}");
        if (Journal is { } journal && !journal.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("replication raft keeps each node's log on its own disk: --journal must be sqlite:DIR or left out (SQLite in --data-dir)");
    }
}
