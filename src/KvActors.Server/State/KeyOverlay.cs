using KvActors.Journal;
using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>
/// Changes accepted on top of another view but not part of it yet. Two uses: the writes the journal has not made
/// durable yet (conditional writes must see them, reads must not), and the earlier steps of a batch being decided.
/// </summary>
internal sealed class KeyOverlay(IKeyView underlying) : IKeyView
{
    // Latest accepted change per key: the resulting record (null = deleted) and the revision that made it.
    private readonly Dictionary<string, (KeyRecord? Record, long Revision)> _latest = new(StringComparer.Ordinal);

    // Revision of an accepted Clear: keys the overlay does not hold are absent, whatever lies underneath.
    private long _clearedAt;
    private long _acceptedRevision;

    public long LatestRevision => Math.Max(underlying.LatestRevision, _acceptedRevision);

    public bool TryGet(string key, out KeyRecord record)
    {
        if (_latest.TryGetValue(key, out var latest))
        {
            record = latest.Record.GetValueOrDefault();
            return latest.Record.HasValue;
        }

        if (_clearedAt != 0)
        {
            record = default;
            return false;
        }

        return underlying.TryGet(key, out record);
    }

    public void Accept(IKvEvent e)
    {
        switch (e)
        {
            case KeyWritten w:
                _latest[w.Key] = (new KeyRecord(w.Value, w.Revision, w.ExpiresAtUnixMs), w.Revision);
                break;
            case KeyExpiryChanged x:
                KeyRecord? changed = TryGet(x.Key, out var current)
                    ? current with { Revision = x.Revision, ExpiresAtUnixMs = x.ExpiresAtUnixMs }
                    : null;
                _latest[x.Key] = (changed, x.Revision);
                break;
            case KeyDeleted d:
                _latest[d.Key] = (null, d.Revision);
                break;
            case StoreCleared c:
                _latest.Clear();
                _clearedAt = c.Revision;
                break;
        }

        _acceptedRevision = e.Revision;
    }

    /// <summary>The event is now part of the underlying view: forget it, unless a later accepted change still shadows it.</summary>
    public void Commit(IKvEvent e)
    {
        switch (e)
        {
            case IKeyEvent k when _latest.TryGetValue(k.Key, out var latest) && latest.Revision == e.Revision:
                _latest.Remove(k.Key);
                break;
            case StoreCleared when _clearedAt == e.Revision:
                _clearedAt = 0;
                break;
        }
    }
}
