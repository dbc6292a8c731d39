namespace KvActors.Raft;

/// <summary>
/// <see cref="IRaftStorage"/> in memory: for tests and the simulation, where "durable" means "survives replacing the
/// <see cref="RaftNode"/>". The write methods are the ones a host calls while handling a <see cref="Ready"/>.
/// </summary>
public sealed class MemoryStorage : IRaftStorage
{
    private HardState _hardState;
    private Snapshot _snapshot;

    // _entries[0] is a dummy standing for the snapshot's last entry.
    private readonly List<Entry> _entries;

    /// <summary>A replica that joins an existing group: empty; the leader sends it a snapshot first.</summary>
    public MemoryStorage()
    {
        _snapshot = KvActors.Raft.Snapshot.Empty;
        _entries = [new Entry(0, 0, EntryType.Normal, [])];
    }

    /// <summary>
    /// A founding member of a new group: the initial membership is a snapshot at index 1 of term 1, committed on every
    /// founder. A replica added later can therefore never replay the log from its very start without knowing who the
    /// founders were: entries before index 2 exist only as that snapshot, so the leader sends it first.
    /// </summary>
    public MemoryStorage(ConfState founders)
    {
        _snapshot = new Snapshot(new SnapshotMetadata(BootstrapIndex, BootstrapTerm, founders), []);
        _entries = [new Entry(BootstrapTerm, BootstrapIndex, EntryType.Normal, [])];
        _hardState = new HardState(BootstrapTerm, 0, BootstrapIndex);
    }

    public const ulong BootstrapIndex = 1;

    public const ulong BootstrapTerm = 1;

    public (HardState HardState, ConfState ConfState) InitialState() => (_hardState, _snapshot.Metadata.ConfState);

    public HardState HardState => _hardState;

    public ulong FirstIndex => _entries[0].Index + 1;

    public ulong LastIndex => _entries[0].Index + (ulong)_entries.Count - 1;

    public Snapshot Snapshot() => _snapshot;

    public void SetHardState(HardState hardState) => _hardState = hardState;

    public ulong Term(ulong index)
    {
        var offset = _entries[0].Index;
        if (index < offset || index > LastIndex)
            throw new ArgumentOutOfRangeException(nameof(index), $"index {index} outside [{offset}, {LastIndex}]");
        return _entries[(int)(index - offset)].Term;
    }

    public IReadOnlyList<Entry> Entries(ulong low, ulong high, long maxBytes)
    {
        var offset = _entries[0].Index;
        if (low <= offset || high > LastIndex + 1 || low > high)
            throw new ArgumentOutOfRangeException(nameof(low), $"[{low}, {high}) outside [{offset + 1}, {LastIndex + 1})");
        var result = new List<Entry>((int)Math.Min(high - low, 64));
        long bytes = 0;
        for (var i = low; i < high; i++)
        {
            var entry = _entries[(int)(i - offset)];
            bytes += entry.Size;
            if (result.Count > 0 && bytes > maxBytes) break;
            result.Add(entry);
        }

        return result;
    }

    /// <summary>Makes entries durable. Entries already stored at the same indexes with other terms, and everything
    /// after them, are replaced: a leader overwrote an uncommitted suffix.</summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        var first = entries[0].Index;
        var offset = _entries[0].Index;
        if (first > LastIndex + 1) throw new InvalidOperationException($"gap: appending {first} after {LastIndex}");
        var skip = 0;
        // Entries before the snapshot are already covered by it.
        if (first <= offset)
        {
            skip = (int)(offset + 1 - first);
            if (skip >= entries.Count) return;
            first = offset + 1;
        }

        var keep = (int)(first - offset);
        if (keep < _entries.Count) _entries.RemoveRange(keep, _entries.Count - keep);
        for (var i = skip; i < entries.Count; i++) _entries.Add(entries[i]);
    }

    /// <summary>Replaces the whole log with a snapshot received from the leader.</summary>
    public void ApplySnapshot(Snapshot snapshot)
    {
        if (snapshot.Metadata.Index <= _snapshot.Metadata.Index) return;
        _snapshot = snapshot;
        _entries.Clear();
        _entries.Add(new Entry(snapshot.Metadata.Term, snapshot.Metadata.Index, EntryType.Normal, []));
    }

    /// <summary>Records the host's own snapshot of its state at <paramref name="index"/> (which it has applied).</summary>
    public Snapshot CreateSnapshot(ulong index, ConfState confState, byte[] data)
    {
        if (index <= _snapshot.Metadata.Index) return _snapshot;
        if (index > LastIndex) throw new ArgumentOutOfRangeException(nameof(index), $"snapshot {index} beyond last index {LastIndex}");
        _snapshot = new Snapshot(new SnapshotMetadata(index, Term(index), confState), data);
        return _snapshot;
    }

    /// <summary>Discards entries before <paramref name="compactIndex"/>, which must be covered by a snapshot.</summary>
    public void Compact(ulong compactIndex)
    {
        var offset = _entries[0].Index;
        if (compactIndex <= offset) return;
        if (compactIndex > LastIndex) throw new ArgumentOutOfRangeException(nameof(compactIndex), $"compact {compactIndex} beyond last index {LastIndex}");
        if (compactIndex > _snapshot.Metadata.Index) throw new InvalidOperationException($"compact {compactIndex} beyond snapshot {_snapshot.Metadata.Index}");
        var drop = (int)(compactIndex - offset);
        var dummy = new Entry(_entries[drop].Term, _entries[drop].Index, EntryType.Normal, []);
        _entries.RemoveRange(0, drop);
        _entries[0] = dummy;
    }
}
