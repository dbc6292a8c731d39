namespace KvActors.Raft;

/// <summary>The membership as the protocol uses it: who votes, who learns, each one's progress (on a leader) and the
/// votes of the current election. Quorums are majorities of the voters; learners never count.</summary>
internal sealed class ProgressTracker(int maxInflight, long maxInflightBytes)
{
    public SortedSet<ulong> Voters { get; } = [];

    public SortedSet<ulong> Learners { get; } = [];

    public SortedDictionary<ulong, Progress> Progress { get; } = [];

    public Dictionary<ulong, bool> Votes { get; } = [];

    public ConfState ConfState => new([.. Voters], [.. Learners]);

    public int Quorum => Voters.Count / 2 + 1;

    public bool IsVoter(ulong id) => Voters.Contains(id);

    public void Reset(ConfState state, ulong nextIndex)
    {
        Voters.Clear();
        Learners.Clear();
        Progress.Clear();
        foreach (var v in state.Voters) AddVoter(v, nextIndex);
        foreach (var l in state.Learners) AddLearner(l, nextIndex);
    }

    public void AddVoter(ulong id, ulong nextIndex)
    {
        Learners.Remove(id);
        Voters.Add(id);
        if (Progress.TryGetValue(id, out var existing)) existing.IsLearner = false;
        else Progress[id] = new Progress(nextIndex, maxInflight, maxInflightBytes, isLearner: false);
    }

    public void AddLearner(ulong id, ulong nextIndex)
    {
        Voters.Remove(id);
        Learners.Add(id);
        if (Progress.TryGetValue(id, out var existing)) existing.IsLearner = true;
        else Progress[id] = new Progress(nextIndex, maxInflight, maxInflightBytes, isLearner: true);
    }

    public void Remove(ulong id)
    {
        Voters.Remove(id);
        Learners.Remove(id);
        Progress.Remove(id);
    }

    /// <summary>The highest index a quorum of voters holds: the quorum-th largest match.</summary>
    public ulong QuorumMatch()
    {
        if (Voters.Count == 0) return 0;
        Span<ulong> matches = stackalloc ulong[Voters.Count];
        var i = 0;
        foreach (var v in Voters) matches[i++] = Progress.TryGetValue(v, out var p) ? p.Match : 0;
        matches.Sort();
        return matches[Voters.Count - Quorum];
    }

    /// <summary>Whether a quorum of voters was heard from recently (this node counting itself).</summary>
    public bool QuorumActive(ulong self)
    {
        var active = 0;
        foreach (var v in Voters)
        {
            if (v == self || (Progress.TryGetValue(v, out var p) && p.RecentActive)) active++;
        }

        return active >= Quorum;
    }

    public void RecordVote(ulong id, bool granted) => Votes.TryAdd(id, granted);

    public VoteResult TallyVotes(bool countLearners)
    {
        int granted = 0, rejected = 0;
        foreach (var (id, vote) in Votes)
        {
            if (!Voters.Contains(id) && !(countLearners && Learners.Contains(id))) continue;
            if (vote) granted++;
            else rejected++;
        }

        if (granted >= Quorum) return VoteResult.Won;
        if (rejected >= Quorum || Voters.Count - rejected < Quorum) return VoteResult.Lost;
        return VoteResult.Pending;
    }
}
