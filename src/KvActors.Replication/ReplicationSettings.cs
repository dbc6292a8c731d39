using KvActors.Protocol;
using KvActors.Server.State;

namespace KvActors.Replication;

/// <summary>How the replicas of a node run. Raft counts time in ticks of the node's one timer.</summary>
public sealed record ReplicationSettings
{
    /// <summary>The node's timer: every replica it hosts ticks once per interval.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A follower that hears from no leader for a random time in [ElectionTicks, 2 * ElectionTicks)
    /// ticks campaigns; a leader that hears from no quorum for ElectionTicks steps down (check-quorum).</summary>
    public int ElectionTicks { get; init; } = 10;

    public int HeartbeatTicks { get; init; } = 1;

    public StoreLimits Limits { get; init; } = new();

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
}
