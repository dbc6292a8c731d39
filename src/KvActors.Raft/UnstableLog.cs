namespace KvActors.Raft;

/// <summary>
/// The tail of the log not yet durable: entries from <see cref="Offset"/> on, and perhaps a snapshot received from
/// the leader. The host makes them durable from a <see cref="Ready"/>; <see cref="StableTo"/> then forgets them here.
/// </summary>
internal sealed class UnstableLog(ulong offset)
{
    public Snapshot? Snapshot { get; private set; }

    public List<Entry> Entries { get; } = [];

    /// <summary>Index of <c>Entries[0]</c>: every index below it is durable.</summary>
    public ulong Offset { get; private set; } = offset;

    public ulong? MaybeFirstIndex => Snapshot is { } s ? s.Metadata.Index + 1 : null;

    public ulong? MaybeLastIndex =>
        Entries.Count > 0 ? Offset + (ulong)Entries.Count - 1 : Snapshot?.Metadata.Index;

    public bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index < Offset)
        {
            if (Snapshot is { } s && s.Metadata.Index == index)
            {
                term = s.Metadata.Term;
                return true;
            }

            return false;
        }

        if (MaybeLastIndex is not { } last || index > last) return false;
        term = Entries[(int)(index - Offset)].Term;
        return true;
    }

    /// <summary>Entries up to (index, term) are durable. A later append may have replaced that entry meanwhile; then
    /// nothing is forgotten.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (!TryTerm(index, out var t) || t != term || index < Offset) return;
        Entries.RemoveRange(0, (int)(index + 1 - Offset));
        Offset = index + 1;
    }

    public void StableSnapshotTo(ulong index)
    {
        if (Snapshot is { } s && s.Metadata.Index == index) Snapshot = null;
    }

    public void Restore(Snapshot snapshot)
    {
        Offset = snapshot.Metadata.Index + 1;
        Entries.Clear();
        Snapshot = snapshot;
    }

    public void TruncateAndAppend(IReadOnlyList<Entry> entries)
    {
        var after = entries[0].Index;
        if (after == Offset + (ulong)Entries.Count)
        {
            // The usual case: straight after what we hold.
        }
        else if (after <= Offset)
        {
            // Replaces everything unstable; the durable suffix from `after` on is replaced when the host stores these.
            Offset = after;
            Entries.Clear();
        }
        else
        {
            Entries.RemoveRange((int)(after - Offset), Entries.Count - (int)(after - Offset));
        }

        Entries.AddRange(entries);
    }

    /// <summary>Entries in [low, high), all within this unstable tail.</summary>
    public IEnumerable<Entry> Slice(ulong low, ulong high)
    {
        for (var i = low; i < high; i++) yield return Entries[(int)(i - Offset)];
    }
}
