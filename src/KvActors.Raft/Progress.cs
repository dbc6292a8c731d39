namespace KvActors.Raft;

/// <summary>The leader's view of one follower's log: how far it matches, what to send next, and how.</summary>
internal sealed class Progress(ulong next, int maxInflight, long maxInflightBytes, bool isLearner)
{
    public ulong Match { get; set; }

    public ulong Next { get; set; } = next;

    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>In <see cref="ProgressState.Snapshot"/>: the index of the snapshot sent.</summary>
    public ulong PendingSnapshot { get; private set; }

    /// <summary>Ticks since the snapshot was sent: if it was lost, the leader probes again after a while.</summary>
    public int SnapshotAge { get; set; }

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; set; } = true;

    /// <summary>In <see cref="ProgressState.Probe"/>: a probe is out; wait for its answer or the next heartbeat.</summary>
    public bool ProbeSent { get; set; }

    public bool IsLearner { get; set; } = isLearner;

    public Inflights Inflights { get; } = new(maxInflight, maxInflightBytes);

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.Full,
        _ => true,
    };

    public void BecomeProbe()
    {
        // After a snapshot the follower has at least the snapshot, whether or not it said so yet.
        var next = State == ProgressState.Snapshot ? Math.Max(Match + 1, PendingSnapshot + 1) : Match + 1;
        Reset(ProgressState.Probe);
        Next = next;
    }

    public void BecomeReplicate()
    {
        Reset(ProgressState.Replicate);
        Next = Match + 1;
    }

    public void BecomeSnapshot(ulong snapshotIndex)
    {
        Reset(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
        Next = snapshotIndex + 1;
    }

    private void Reset(ProgressState state)
    {
        State = state;
        ProbeSent = false;
        PendingSnapshot = 0;
        SnapshotAge = 0;
        Inflights.Reset();
    }

    /// <summary>The follower acknowledged up to <paramref name="index"/>; false if it told us nothing new.</summary>
    public bool MaybeUpdate(ulong index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }

        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>
    /// The follower rejected an append at <paramref name="rejected"/>, hinting that it could match at
    /// <paramref name="matchHint"/>. False if the rejection is stale (a reply to an older probe).
    /// </summary>
    public bool MaybeDecreaseTo(ulong rejected, ulong matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match) return false;
            Next = Match + 1;
            return true;
        }

        if (Next - 1 != rejected) return false;
        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    /// <summary>An append carrying entries up to <paramref name="lastIndex"/> went out.</summary>
    public void SentEntries(int count, ulong lastIndex, long bytes)
    {
        if (State == ProgressState.Replicate)
        {
            if (count > 0)
            {
                Next = lastIndex + 1;
                Inflights.Add(lastIndex, bytes);
            }
        }
        else if (State == ProgressState.Probe)
        {
            ProbeSent = true;
        }
    }

    public override string ToString() => $"{State} match={Match} next={Next}{(IsLearner ? " learner" : "")}";
}
