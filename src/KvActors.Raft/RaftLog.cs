namespace KvActors.Raft;

/// <summary>
/// A replica's log as the protocol sees it: the durable part in <see cref="IRaftStorage"/>, the not yet durable tail
/// in an <see cref="UnstableLog"/>, and how far it is committed and applied.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftStorage _storage;

    public RaftLog(IRaftStorage storage)
    {
        _storage = storage;
        var first = storage.FirstIndex;
        Unstable = new UnstableLog(storage.LastIndex + 1);
        // Everything up to the snapshot is committed and applied by definition.
        Committed = first - 1;
        Applied = first - 1;
    }

    public UnstableLog Unstable { get; }

    public ulong Committed { get; private set; }

    public ulong Applied { get; private set; }

    public ulong FirstIndex => Unstable.MaybeFirstIndex ?? _storage.FirstIndex;

    public ulong LastIndex => Unstable.MaybeLastIndex ?? _storage.LastIndex;

    /// <summary>The last index known durable on this replica.</summary>
    public ulong StableLastIndex => Unstable.Snapshot is not null ? 0 : Unstable.Offset - 1;

    public ulong LastTerm => Term(LastIndex);

    /// <summary>The term at <paramref name="index"/>, or false if it was compacted away or lies beyond the log.</summary>
    public bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        var dummy = FirstIndex - 1;
        if (index < dummy || index > LastIndex) return false;
        if (Unstable.TryTerm(index, out term)) return true;
        if (index < _storage.FirstIndex - 1 || index > _storage.LastIndex) return false;
        term = _storage.Term(index);
        return true;
    }

    /// <summary>The term at <paramref name="index"/>, or 0 when it is not in the log.</summary>
    public ulong Term(ulong index) => TryTerm(index, out var term) ? term : 0;

    public bool MatchTerm(ulong index, ulong term) => TryTerm(index, out var t) && t == term;

    /// <summary>Raft's "at least as up-to-date": a later last term, or the same last term and a log at least as long.</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    public ulong Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return LastIndex;
        if (entries[0].Index - 1 < Committed)
            throw new InvalidOperationException($"appending at {entries[0].Index} would overwrite committed {Committed}");
        Unstable.TruncateAndAppend(entries);
        return LastIndex;
    }

    /// <summary>
    /// The follower's side of AppendEntries: if our entry at <paramref name="index"/> has <paramref name="logTerm"/>,
    /// append <paramref name="entries"/> after it (dropping a conflicting suffix), commit up to what the leader
    /// committed as far as these entries reach, and return the last index now known to match the leader's.
    /// </summary>
    public bool TryAppend(ulong index, ulong logTerm, ulong committed, IReadOnlyList<Entry> entries, out ulong lastNewIndex)
    {
        lastNewIndex = 0;
        if (!MatchTerm(index, logTerm)) return false;
        lastNewIndex = index + (ulong)entries.Count;
        var conflict = FindConflict(entries);
        if (conflict != 0)
        {
            if (conflict <= Committed)
                throw new InvalidOperationException($"entry {conflict} conflicts with committed entry (committed {Committed})");
            var from = (int)(conflict - (index + 1));
            Append(from == 0 ? entries : entries.Skip(from).ToList());
        }

        CommitTo(Math.Min(committed, lastNewIndex));
        return true;
    }

    /// <summary>The index of the first entry whose term differs from ours (or that we lack), or 0.</summary>
    private ulong FindConflict(IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (!MatchTerm(entry.Index, entry.Term)) return entry.Index;
        }

        return 0;
    }

    /// <summary>
    /// The last index at or before <paramref name="index"/> whose term is at most <paramref name="term"/>, and that
    /// term: no entry after it can match a log whose entry at <paramref name="index"/> has <paramref name="term"/>,
    /// so a probe can jump there at once instead of stepping back one entry per round trip.
    /// </summary>
    public (ulong Index, ulong Term) FindConflictByTerm(ulong index, ulong term)
    {
        if (index > LastIndex) return (index, 0);
        while (true)
        {
            if (!TryTerm(index, out var t)) return (index, 0);
            if (t <= term) return (index, t);
            index--;
        }
    }

    public void CommitTo(ulong index)
    {
        if (index <= Committed) return;
        if (index > LastIndex) throw new InvalidOperationException($"commit {index} beyond last index {LastIndex}");
        Committed = index;
    }

    public void AppliedTo(ulong index)
    {
        if (index == 0) return;
        if (index < Applied) throw new InvalidOperationException($"applied {index} goes back from {Applied}");
        Applied = index;
    }

    public void StableTo(ulong index, ulong term) => Unstable.StableTo(index, term);

    public void StableSnapshotTo(ulong index) => Unstable.StableSnapshotTo(index);

    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Metadata.Index;
        Unstable.Restore(snapshot);
    }

    /// <summary>The latest snapshot: a received one not yet durable, else the stored one.</summary>
    public Snapshot Snapshot() => Unstable.Snapshot ?? _storage.Snapshot();

    public bool HasPendingSnapshot => Unstable.Snapshot is not null;

    /// <summary>Entries from <paramref name="low"/> to the end, at most <paramref name="maxBytes"/> (at least one);
    /// false if some of them were compacted away.</summary>
    public bool TryEntries(ulong low, long maxBytes, out IReadOnlyList<Entry> entries) =>
        TrySlice(low, LastIndex + 1, maxBytes, out entries);

    /// <summary>Entries in [low, high); false if some were compacted away.</summary>
    public bool TrySlice(ulong low, ulong high, long maxBytes, out IReadOnlyList<Entry> entries)
    {
        entries = [];
        if (low < FirstIndex) return false;
        if (low >= high) return true;
        var result = new List<Entry>();
        var stableHigh = Math.Min(high, Unstable.Offset);
        long bytes = 0;
        if (low < stableHigh)
        {
            var stored = _storage.Entries(low, stableHigh, maxBytes);
            foreach (var e in stored) bytes += e.Size;
            result.AddRange(stored);
            if ((ulong)stored.Count < stableHigh - low)
            {
                entries = result;
                return true;
            }
        }

        if (high > Unstable.Offset)
        {
            foreach (var entry in Unstable.Slice(Math.Max(low, Unstable.Offset), high))
            {
                bytes += entry.Size;
                if (result.Count > 0 && bytes > maxBytes) break;
                result.Add(entry);
            }
        }

        entries = result;
        return true;
    }

    /// <summary>Committed entries the host has not been given yet (all of them durable by the time it applies them:
    /// it stores a Ready's entries before applying its committed entries).</summary>
    public bool HasNextCommittedEntries(ulong upTo) => !HasPendingSnapshot && upTo > Applied;

    public IReadOnlyList<Entry> NextCommittedEntries(ulong upTo)
    {
        if (HasPendingSnapshot || upTo <= Applied) return [];
        var low = Math.Max(Applied + 1, FirstIndex);
        return TrySlice(low, upTo + 1, long.MaxValue, out var entries) ? entries : [];
    }
}
