namespace KvActors.Raft;

/// <summary>How one replica runs. Times are in ticks of the host's timer.</summary>
public sealed record RaftConfig
{
    /// <summary>This replica's id; never 0 (0 means "nobody").</summary>
    public required ulong Id { get; init; }

    public required IRaftStorage Storage { get; init; }

    /// <summary>A follower that hears from no leader for a randomized time in [ElectionTick, 2 * ElectionTick)
    /// starts an election.</summary>
    public int ElectionTick { get; init; } = 10;

    public int HeartbeatTick { get; init; } = 1;

    /// <summary>The last index the host has applied to its state machine (on a restart: what its snapshot covers).</summary>
    public ulong Applied { get; init; }

    /// <summary>Bytes of entries per append message (at least one entry is always sent).</summary>
    public long MaxSizePerMessage { get; init; } = 1 << 20;

    /// <summary>Append messages in flight to one follower, unacknowledged, at most.</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Bytes in flight to one follower, unacknowledged, at most (0: no byte cap).</summary>
    public long MaxInflightBytes { get; init; }

    /// <summary>A leader that has not heard from a quorum within an election timeout steps down, and a follower
    /// that heard from its leader within one ignores vote requests.</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Candidates first ask whether they could win, without raising their term.</summary>
    public bool PreVote { get; init; } = true;

    public ReadOnlyOption ReadOnlyOption { get; init; } = ReadOnlyOption.Safe;

    /// <summary>
    /// Seeds the randomized election timeout: the same seed and inputs give the same behaviour. The core mixes in
    /// <see cref="Id"/> (seed XOR id), so replicas may share one seed; a seed equal to each replica's id gives them all
    /// the same timeouts and split votes forever.
    /// </summary>
    public int RandomSeed { get; init; }

    internal BrokenRules Broken { get; init; }

    internal void Validate()
    {
        if (Id == 0) throw new ArgumentException("the id 0 means nobody", nameof(Id));
        if (HeartbeatTick <= 0) throw new ArgumentException("must be positive", nameof(HeartbeatTick));
        if (ElectionTick <= HeartbeatTick) throw new ArgumentException("must exceed the heartbeat tick", nameof(ElectionTick));
        if (MaxInflightMessages <= 0) throw new ArgumentException("must be positive", nameof(MaxInflightMessages));
        if (ReadOnlyOption == ReadOnlyOption.LeaseBased && !CheckQuorum)
            throw new ArgumentException("lease-based reads need check-quorum", nameof(ReadOnlyOption));
    }
}
