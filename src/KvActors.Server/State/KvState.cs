using System.Text;
using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>
/// The durable state of one partition: every key with its value and revision, plus the store revision.
/// Changed only by <see cref="ApplyEvent"/>, so replaying the journal rebuilds it exactly.
/// No I/O, no clock, no Akka.
/// </summary>
internal sealed class KvState
{
    private readonly Dictionary<string, KeyRecord> _records = new(StringComparer.Ordinal);

    // Ordered index for prefix scans; the dictionary stays the fast path for point reads.
    private readonly SortedSet<string> _orderedKeys = new(StringComparer.Ordinal);

    /// <summary>Revision of the last applied change (0 for an empty, new store).</summary>
    public long Revision { get; private set; }

    public int Count => _records.Count;

    public bool TryGet(string key, out KeyRecord record) => _records.TryGetValue(key, out record);

    public void ApplyEvent(IKvEvent e)
    {
        switch (e)
        {
            case KeyWritten w:
                if (_records.TryAdd(w.Key, new KeyRecord(w.Value, w.Revision))) _orderedKeys.Add(w.Key);
                else _records[w.Key] = new KeyRecord(w.Value, w.Revision);
                break;
            case KeyDeleted d:
                if (_records.Remove(d.Key)) _orderedKeys.Remove(d.Key);
                break;
            default:
                throw new ArgumentException($"Unknown event {e.GetType()}", nameof(e));
        }

        Revision = e.Revision;
    }

    /// <summary>
    /// Keys with <paramref name="prefix"/> strictly after <paramref name="after"/>, in ordinal order. Stops after
    /// <paramref name="limit"/> entries or once <paramref name="byteBudget"/> is spent (always at least one entry),
    /// so a page fits in one remoting frame.
    /// </summary>
    public ScanPage Scan(string prefix, string? after, int limit, int byteBudget)
    {
        var lower = after is not null && StringComparer.Ordinal.Compare(after, prefix) > 0 ? after : prefix;
        var entries = new List<KvEntry>(Math.Min(limit, 64));
        var bytes = 0;
        string? nextCursor = null;

        var upper = UpperBoundOf(prefix);
        if (StringComparer.Ordinal.Compare(lower, upper) > 0) return new ScanPage(entries, null, Revision); // cursor past the prefix

        foreach (var key in _orderedKeys.GetViewBetween(lower, upper))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) break;
            if (after is not null && StringComparer.Ordinal.Compare(key, after) <= 0) continue;

            var record = _records[key];
            var size = record.Value.Length + Encoding.UTF8.GetByteCount(key);
            if (entries.Count == limit || (entries.Count > 0 && bytes + size > byteBudget))
            {
                nextCursor = entries[^1].Key;
                break;
            }

            entries.Add(new KvEntry(key, record.Value, record.Revision));
            bytes += size;
        }

        return new ScanPage(entries, nextCursor, Revision);
    }

    public StoreSnapshot ToSnapshot()
    {
        var entries = new KvEntry[_records.Count];
        var i = 0;
        foreach (var (key, record) in _records) entries[i++] = new KvEntry(key, record.Value, record.Revision);
        return new StoreSnapshot(Revision, entries);
    }

    public static KvState FromSnapshot(StoreSnapshot snapshot)
    {
        var state = new KvState { Revision = snapshot.Revision };
        state._records.EnsureCapacity(snapshot.Entries.Count);
        foreach (var e in snapshot.Entries)
        {
            state._records[e.Key] = new KeyRecord(e.Value, e.Revision);
        }

        // Building the tree from a sorted sequence is linear, not n log n.
        state._orderedKeys.UnionWith(state._records.Keys.Order(StringComparer.Ordinal));
        return state;
    }

    // Every key with this prefix sorts below prefix + U+FFFF repeated beyond the longest possible key
    // (U+FFFF takes 3 UTF-8 bytes, so no valid key holds more than MaxKeyBytes / 3 of them).
    private static string UpperBoundOf(string prefix) => prefix + new string('\uffff', StoreLimits.MaxKeyBytes / 3 + 1);
}
