using Akka.Configuration;
using KvActors.Protocol;
using KvActors.Server.State;

namespace KvActors.Replication;

/// <summary>How the replicas of a node run. Raft counts time in ticks of the node's one timer.</summary>
public sealed record ReplicationSettings
{
    /// <summary>The node's timer: every replica it hosts ticks once per interval, twice per heartbeat, so the
    /// election timeout is counted in half-heartbeat steps.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A follower that hears from no leader for a random time in [ElectionTicks, 2 * ElectionTicks)
    /// ticks campaigns; a leader that hears from no quorum for ElectionTicks steps down (check-quorum).
    /// 600 ms by default (<c>kv.raft.election-timeout</c>).</summary>
    public int ElectionTicks { get; init; } = 12;

    /// <summary>A leader heartbeats every this many ticks: 100 ms by default (<c>kv.raft.heartbeat-interval</c>).</summary>
    public int HeartbeatTicks { get; init; } = 2;

    /// <summary>The shortest election timeout, in heartbeats: fewer, and one late heartbeat starts an election.</summary>
    public const int MinElectionHeartbeats = 3;

    public StoreLimits Limits { get; init; } = new();

    /// <summary>The node's data directory, as stats report it.</summary>
    public string DataDirectory { get; init; } = "";

    /// <summary>Entry bytes per append message (one entry always goes), so that an append plus one maximal entry
    /// fits the remoting frame sized by <see cref="ProtocolLimits.RemotingFrameBytes"/>.</summary>
    public long MaxAppendBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// Bytes of decided writes a leader proposes as one log entry (group commit); a single larger write still goes
    /// alone. One maximal value, so an entry never needs more than one frame.
    /// </summary>
    public long MaxProposalBytes => Limits.MaxValueBytes + ProtocolLimits.MaxKeyBytes;

    /// <summary>Bytes of Raft messages sent to one node in one envelope; more go in further envelopes.</summary>
    public long MaxEnvelopeBytes => Limits.MaxValueBytes + ProtocolLimits.MaxKeyBytes;

    /// <summary>A replica saves a snapshot of its applied state once it has applied this many entries since the
    /// last one (<c>kv.raft.snapshot-every</c>), then compacts its log and journal behind it.</summary>
    public long SnapshotEvery { get; init; } = 10_000;

    /// <summary>Entries kept in memory behind a snapshot (<c>kv.raft.snapshot-catch-up-entries</c>), so a follower
    /// that lags by a little catches up by appends rather than by a whole snapshot.</summary>
    public long SnapshotCatchUpEntries { get; init; } = 1_000;

    /// <summary>
    /// The largest snapshot a leader sends a follower inside one Raft message, in one remoting frame
    /// (<see cref="ProtocolLimits.RemotingFrameBytes"/>), less room for the envelope. A larger one goes in pieces of
    /// <see cref="MaxEnvelopeBytes"/>.
    /// </summary>
    public long MaxSnapshotBytes => ProtocolLimits.RemotingFrameBytes(Limits.MaxValueBytes) - 64 * 1024;

    /// <summary>A replica missed this long (its node down or cut off, or not running it) is re-created elsewhere by
    /// the placement controller (<c>kv.raft.replace-dead-after</c>).</summary>
    public TimeSpan ReplaceDeadAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the placement controller looks at the cluster (<c>kv.raft.placement-interval</c>).</summary>
    public TimeSpan PlacementInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>These settings with the timing and snapshot schedule of <paramref name="config"/>'s <c>kv.raft</c>
    /// section (replication's reference.conf holds the defaults).</summary>
    public ReplicationSettings WithConfig(Config config)
    {
        var raft = config.GetConfig("kv.raft");
        if (raft is null || raft.IsEmpty) return this;
        var heartbeat = raft.GetTimeSpan("heartbeat-interval", TickInterval * HeartbeatTicks, allowInfinite: false);
        var election = raft.GetTimeSpan("election-timeout", TickInterval * ElectionTicks, allowInfinite: false);
        if (heartbeat < TimeSpan.FromMilliseconds(10))
            throw new ArgumentException($"kv.raft.heartbeat-interval must be at least 10ms, got {heartbeat.TotalMilliseconds}ms");
        if (election < heartbeat * MinElectionHeartbeats)
            throw new ArgumentException($"kv.raft.election-timeout ({election.TotalMilliseconds}ms) must be at least {MinElectionHeartbeats} heartbeat " +
                                        $"intervals ({(heartbeat * MinElectionHeartbeats).TotalMilliseconds}ms)");
        var tick = heartbeat / 2;
        var settings = this with
        {
            TickInterval = tick,
            HeartbeatTicks = 2,
            ElectionTicks = (int)Math.Round(election / tick),
            SnapshotEvery = raft.GetLong("snapshot-every", SnapshotEvery),
            SnapshotCatchUpEntries = raft.GetLong("snapshot-catch-up-entries", SnapshotCatchUpEntries),
            ReplaceDeadAfter = raft.GetTimeSpan("replace-dead-after", ReplaceDeadAfter, allowInfinite: false),
            PlacementInterval = raft.GetTimeSpan("placement-interval", PlacementInterval, allowInfinite: false),
        };
        if (settings.PlacementInterval < TimeSpan.FromMilliseconds(100))
            throw new ArgumentException($"kv.raft.placement-interval must be at least 100ms, got {settings.PlacementInterval.TotalMilliseconds}ms");
        if (settings.SnapshotEvery < 1) throw new ArgumentException($"kv.raft.snapshot-every must be at least 1, got {settings.SnapshotEvery}");
        if (settings.SnapshotCatchUpEntries < 0)
            throw new ArgumentException($"kv.raft.snapshot-catch-up-entries must not be negative, got {settings.SnapshotCatchUpEntries}");
        return settings;
    }
}
