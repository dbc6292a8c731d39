namespace KvActors.Raft;

/// <summary>
/// What the host must do, in this order, before calling <see cref="RaftNode.Advance"/>:
/// <list type="number">
/// <item>send <see cref="Messages"/> (they may leave before the writes below complete);</item>
/// <item>make durable, in one write: <see cref="Snapshot"/>, <see cref="Entries"/> (replacing any stored entries from
/// the first one's index on), then <see cref="HardState"/>;</item>
/// <item>send <see cref="MessagesAfterPersist"/>: only now, since they vouch for what was just written;</item>
/// <item>install <see cref="Snapshot"/> in the state machine, then apply <see cref="CommittedEntries"/> in order;</item>
/// <item>serve <see cref="ReadStates"/> once applied up to their index.</item>
/// </list>
/// </summary>
public sealed record Ready
{
    /// <summary>Changed since the last Ready, else null.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>Changed since the last Ready, else null. Must be durable before <see cref="MessagesAfterPersist"/> leave.</summary>
    public HardState? HardState { get; init; }

    /// <summary>New entries to append to durable storage.</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>A snapshot received from the leader, to store and install.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Entries committed and not yet handed out, to apply in order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];

    /// <summary>A leader's appends, heartbeats and snapshots, and pre-votes: safe to send before the write.</summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>Votes, append acknowledgements and everything else: send only after the write is durable.</summary>
    public IReadOnlyList<Message> MessagesAfterPersist { get; init; } = [];

    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    /// <summary>Whether the write must be synced (fsync) before <see cref="MessagesAfterPersist"/> leave.</summary>
    public bool MustSync { get; init; }
}
