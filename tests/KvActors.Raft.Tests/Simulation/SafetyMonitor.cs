namespace KvActors.Raft.Tests.Simulation;

/// <summary>
/// Watches every replica of a run and throws <see cref="SafetyViolationException"/> the moment one of Raft's safety
/// properties fails: election safety, log matching, leader completeness, state machine safety, and durability of
/// what was committed.
/// </summary>
internal sealed class SafetyMonitor
{
    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];
    private readonly Dictionary<(ulong Index, ulong Term), (Entry Entry, ulong PreviousTerm)> _logEntries = [];
    private readonly Dictionary<ulong, Entry> _committed = [];
    private ulong _highestCommitted;

    public int Elections => _leaderOfTerm.Count;

    public int CommittedEntries => _committed.Count;

    /// <summary>Election safety: at most one leader per term. Leader completeness: a new leader holds every entry
    /// known committed.</summary>
    public void OnLeader(ulong id, ulong term, RaftNode node)
    {
        if (_leaderOfTerm.TryGetValue(term, out var other) && other != id)
            throw new SafetyViolationException("election safety", $"{other} and {id} both lead term {term}");
        _leaderOfTerm[term] = id;
        var log = node.Core.Log;
        foreach (var (index, entry) in _committed)
        {
            if (index < log.FirstIndex) continue; // covered by its snapshot, which holds only committed entries
            if (!log.TryTerm(index, out var t) || t != entry.Term)
                throw new SafetyViolationException("leader completeness",
                    $"leader {id} of term {term} lacks committed entry {entry} (has term {(log.TryTerm(index, out var x) ? x : 0)})");
        }
    }

    /// <summary>Log matching: two logs with an entry of the same index and term hold the same entry there and agree
    /// on everything before it (checked inductively: the same entry always follows the same term).</summary>
    public void OnPersisted(ulong id, IReadOnlyList<Entry> entries, MemoryStorage storage)
    {
        foreach (var entry in entries)
        {
            var previousIndex = entry.Index - 1;
            if (previousIndex < storage.FirstIndex - 1) continue;
            var previousTerm = storage.Term(previousIndex);
            var key = (entry.Index, entry.Term);
            if (_logEntries.TryGetValue(key, out var seen))
            {
                if (!SameEntry(seen.Entry, entry))
                    throw new SafetyViolationException("log matching", $"replica {id} holds {entry} unlike another replica's {seen.Entry}");
                if (seen.PreviousTerm != previousTerm)
                    throw new SafetyViolationException("log matching",
                        $"replica {id} holds {entry} after term {previousTerm}, another after term {seen.PreviousTerm}");
            }
            else
            {
                _logEntries[key] = (entry, previousTerm);
            }
        }
    }

    /// <summary>State machine safety: no two replicas apply different entries at one index; each applies in order.</summary>
    public void OnApply(ulong id, Entry entry, ulong expectedIndex)
    {
        if (entry.Index != expectedIndex)
            throw new SafetyViolationException("state machine safety", $"replica {id} applies {entry} when {expectedIndex} was next");
        if (_committed.TryGetValue(entry.Index, out var seen))
        {
            if (!SameEntry(seen, entry))
                throw new SafetyViolationException("state machine safety", $"replica {id} applies {entry} where another applied {seen}");
        }
        else
        {
            _committed[entry.Index] = entry;
            _highestCommitted = Math.Max(_highestCommitted, entry.Index);
        }
    }

    /// <summary>No committed entry is lost: a restarted replica's durable log agrees with every entry known
    /// committed up to its durable commit index, and holds that index.</summary>
    public void OnRestart(ulong id, MemoryStorage storage)
    {
        var commit = storage.HardState.Commit;
        if (commit > storage.LastIndex)
            throw new SafetyViolationException("durability", $"replica {id} restarts with commit {commit} beyond its last entry {storage.LastIndex}");
        for (var index = storage.FirstIndex; index <= commit; index++)
        {
            if (_committed.TryGetValue(index, out var entry) && storage.Term(index) != entry.Term)
                throw new SafetyViolationException("durability", $"replica {id} restarts with term {storage.Term(index)} at committed {entry}");
        }
    }

    private static bool SameEntry(Entry a, Entry b) =>
        a.Term == b.Term && a.Index == b.Index && a.Type == b.Type && (ReferenceEquals(a.Data, b.Data) || a.Data.AsSpan().SequenceEqual(b.Data));
}
