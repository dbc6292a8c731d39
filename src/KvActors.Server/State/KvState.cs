using System.Text;
using KvActors.Journal;
using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>
/// The durable state of one partition: every key with its value, revision and expiry, plus the store revision.
/// Changed only by <see cref="ApplyEvent"/>, so replaying the journal rebuilds it exactly. No I/O, no clock, no Akka:
/// the current time is always passed in.
/// </summary>
internal sealed class KvState : IKeyView
{
    private readonly Dictionary<string, KeyRecord> _records = new(StringComparer.Ordinal);

    // Ordered index for prefix scans; the dictionary stays the fast path for point reads. Built by the first scan
    // and kept up to date from then on: a store that is never scanned, and every recovery, skips sorting all keys
    // (about 1 s per million at start-up) and the ~50 bytes per key the tree costs. The first scan pays it once.
    private SortedSet<string>? _orderedKeys;

    // Keys with a TTL, soonest first, so the sweeper finds expired keys without looking at the others.
    private readonly SortedSet<(long At, string Key)> _expiries = new(ExpiryOrder.Instance);

    /// <summary>Revision of the last applied change (0 for an empty, new store).</summary>
    public long Revision { get; private set; }

    public long LatestRevision => Revision;

    /// <summary>Keys held, including expired ones not swept yet.</summary>
    public int Count => _records.Count;

    public bool TryGet(string key, out KeyRecord record) => _records.TryGetValue(key, out record);

    public void ApplyEvent(IKvEvent e)
    {
        switch (e)
        {
            case KeyWritten w:
                Put(w.Key, new KeyRecord(w.Value, w.Revision, w.ExpiresAtUnixMs));
                break;
            case KeyExpiryChanged x when _records.TryGetValue(x.Key, out var current):
                Put(x.Key, current with { Revision = x.Revision, ExpiresAtUnixMs = x.ExpiresAtUnixMs });
                break;
            case KeyExpiryChanged:
                break; // the key was deleted after the change was decided; nothing left to change
            case KeyDeleted d:
                Remove(d.Key);
                break;
            case StoreCleared:
                _records.Clear();
                _orderedKeys = null;
                _expiries.Clear();
                break;
            default:
                throw new ArgumentException($"Unknown event {e.GetType()}", nameof(e));
        }

        Revision = e.Revision;
    }

    /// <summary>Up to <paramref name="max"/> keys whose expiry is at or before <paramref name="nowUnixMs"/>, soonest first.</summary>
    public IEnumerable<string> ExpiredKeys(long nowUnixMs, int max) =>
        _expiries.TakeWhile(x => x.At <= nowUnixMs).Take(max).Select(x => x.Key);

    /// <summary>
    /// Live keys with <paramref name="prefix"/> strictly after <paramref name="after"/>, in ordinal order. Stops after
    /// <paramref name="limit"/> entries or once <paramref name="byteBudget"/> is spent (always at least one entry),
    /// so a page fits in one remoting frame.
    /// </summary>
    public ScanPage Scan(string prefix, string? after, int limit, int byteBudget, long nowUnixMs)
    {
        var lower = after is not null && StringComparer.Ordinal.Compare(after, prefix) > 0 ? after : prefix;
        var upper = UpperBoundOf(prefix);
        var entries = new List<KvEntry>(Math.Min(limit, 64));
        if (StringComparer.Ordinal.Compare(lower, upper) > 0) return new ScanPage(entries, null, Revision); // cursor past the prefix

        var bytes = 0;
        string? nextCursor = null;
        _orderedKeys ??= new SortedSet<string>(_records.Keys, StringComparer.Ordinal);
        foreach (var key in _orderedKeys.GetViewBetween(lower, upper))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) break;
            if (after is not null && StringComparer.Ordinal.Compare(key, after) <= 0) continue;

            var record = _records[key];
            if (!record.IsLiveAt(nowUnixMs)) continue;
            var size = record.Value.Length + Encoding.UTF8.GetByteCount(key);
            if (entries.Count == limit || (entries.Count > 0 && bytes + size > byteBudget))
            {
                nextCursor = entries[^1].Key;
                break;
            }

            entries.Add(new KvEntry(key, record.Value, record.Revision, record.ExpiresAtUnixMs));
            bytes += size;
        }

        return new ScanPage(entries, nextCursor, Revision);
    }

    /// <summary>A live key chosen by <paramref name="seed"/>, or null. Walks the keys: O(n), like the rarely used command it serves.</summary>
    public string? RandomKey(int seed, long nowUnixMs)
    {
        if (_records.Count == 0) return null;
        var start = (int)((uint)seed % (uint)_records.Count);
        string? firstLive = null;
        var i = 0;
        foreach (var (key, record) in _records)
        {
            if (record.IsLiveAt(nowUnixMs))
            {
                if (i >= start) return key;
                firstLive ??= key;
            }

            i++;
        }

        return firstLive;
    }

    public StoreSnapshot ToSnapshot()
    {
        var entries = new KvEntry[_records.Count];
        var i = 0;
        foreach (var (key, r) in _records) entries[i++] = new KvEntry(key, r.Value, r.Revision, r.ExpiresAtUnixMs);
        return new StoreSnapshot(Revision, entries);
    }

    public static KvState FromSnapshot(StoreSnapshot snapshot)
    {
        var state = new KvState { Revision = snapshot.Revision };
        state._records.EnsureCapacity(snapshot.Entries.Count);
        foreach (var e in snapshot.Entries)
        {
            state._records[e.Key] = new KeyRecord(e.Value, e.Revision, e.ExpiresAtUnixMs);
            if (e.ExpiresAtUnixMs is { } at) state._expiries.Add((at, e.Key));
        }
        return state;
    }

    private void Put(string key, KeyRecord record)
    {
        if (_records.TryGetValue(key, out var old))
        {
            if (old.ExpiresAtUnixMs is { } oldAt) _expiries.Remove((oldAt, key));
        }
        else
        {
            _orderedKeys?.Add(key);
        }

        _records[key] = record;
        if (record.ExpiresAtUnixMs is { } at) _expiries.Add((at, key));
    }

    private void Remove(string key)
    {
        if (!_records.Remove(key, out var old)) return;
        _orderedKeys?.Remove(key);
        if (old.ExpiresAtUnixMs is { } at) _expiries.Remove((at, key));
    }

    // Every key with this prefix sorts below prefix + U+FFFF repeated beyond the longest possible key
    // (U+FFFF takes 3 UTF-8 bytes, so no valid key holds more than MaxKeyBytes / 3 of them).
    private static string UpperBoundOf(string prefix) => prefix + new string('\uffff', ProtocolLimits.MaxKeyBytes / 3 + 1);

    private sealed class ExpiryOrder : IComparer<(long At, string Key)>
    {
        public static readonly ExpiryOrder Instance = new();

        public int Compare((long At, string Key) x, (long At, string Key) y) =>
            x.At != y.At ? x.At.CompareTo(y.At) : StringComparer.Ordinal.Compare(x.Key, y.Key);
    }
}
