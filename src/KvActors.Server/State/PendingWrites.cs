using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>
/// Writes accepted but not yet durable. Conditional writes must see them (a compare-and-set decided against
/// stale durable state could overwrite a write accepted just before it), while reads must not (a read may
/// only observe durable data). So decisions look here first, reads never do.
/// </summary>
internal sealed class PendingWrites
{
    // Latest accepted change per key: whether it leaves the key existing, and its revision.
    private readonly Dictionary<string, (bool Exists, long Revision)> _latest = new(StringComparer.Ordinal);

    /// <summary>Revision of the latest accepted change, durable or not (0 before the first).</summary>
    public long AcceptedRevision { get; private set; }

    public bool TryGetLatest(string key, out (bool Exists, long Revision) latest) => _latest.TryGetValue(key, out latest);

    public void Accept(IKvEvent e0)
    {
        if (e0 is not IKeyEvent e) return;
        _latest[e.Key] = (e is KeyWritten, e.Revision);
        AcceptedRevision = e.Revision;
    }

    /// <summary>The event is durable and applied to <see cref="KvState"/>; forget it unless a later write is still pending.</summary>
    public void Commit(IKvEvent e0)
    {
        if (e0 is not IKeyEvent e) return;
        if (_latest.TryGetValue(e.Key, out var latest) && latest.Revision == e.Revision) _latest.Remove(e.Key);
    }
}
