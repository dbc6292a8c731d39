using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>
/// The deterministic heart of a partition. <see cref="Decide"/> turns a write command into events and a reply
/// without changing anything; <see cref="ApplyEvent"/> makes a durable event part of the state. Between the two,
/// <see cref="Accept"/> records the events as pending so later decisions see them. Reads see durable state only.
/// No actors, no I/O, no clock: the same events in the same order always give the same state, which is what lets
/// a journal (and later a replicated log) drive it.
/// </summary>
internal sealed class KvStateMachine
{
    private readonly PendingWrites _pending = new();
    private readonly int _scanPageBytes;
    private KvState _state = new();

    public KvStateMachine(int scanPageBytes)
    {
        _scanPageBytes = scanPageBytes;
    }

    /// <summary>Revision of the last durable change.</summary>
    public long Revision => _state.Revision;

    public int Count => _state.Count;

    private long NextRevision => Math.Max(_state.Revision, _pending.AcceptedRevision) + 1;

    public Decision Decide(IWriteCommand command) => command switch
    {
        Set c => DecideSet(c),
        Create c => DecideCreate(c),
        Update c => DecideUpdate(c),
        Delete c => DecideDelete(c),
        _ => Decision.Reject(ErrorCode.UnsupportedRequest, $"unsupported write {command.GetType().Name}"),
    };

    /// <summary>Record the events of an accepted decision as pending until they are durable.</summary>
    public void Accept(IReadOnlyList<IKvEvent> events)
    {
        foreach (var e in events) _pending.Accept(e);
    }

    /// <summary>Apply a durable event: from the journal during recovery, or once a persist succeeded.</summary>
    public void ApplyEvent(IKvEvent e)
    {
        _state.ApplyEvent(e);
        _pending.Commit(e);
    }

    public IKvReply Query(IKvQuery query) => query switch
    {
        Get q => _state.TryGet(q.Key, out var r)
            ? new Found(r.Value, r.Revision)
            : new KvError(ErrorCode.NotFound, $"key '{q.Key}' not found"),
        Exists q => _state.TryGet(q.Key, out var r) ? new ExistsResult(true, r.Revision) : new ExistsResult(false, 0),
        Scan q => _state.Scan(q.Prefix, q.After, q.Limit, _scanPageBytes),
        _ => new KvError(ErrorCode.UnsupportedRequest, $"unsupported query {query.GetType().Name}"),
    };

    public StoreSnapshot ToSnapshot() => _state.ToSnapshot();

    public void LoadSnapshot(StoreSnapshot snapshot) => _state = KvState.FromSnapshot(snapshot);

    private Decision DecideSet(Set c)
    {
        var current = Current(c.Key);
        if (Mismatch(c.Key, c.ExpectedRevision, current) is { } reject) return reject;
        return Write(c.Key, c.Value);
    }

    private Decision DecideCreate(Create c)
    {
        var current = Current(c.Key);
        if (current.Exists)
            return Decision.Reject(ErrorCode.AlreadyExists, $"key '{c.Key}' already exists at revision {current.Revision}");
        return Write(c.Key, c.Value);
    }

    private Decision DecideUpdate(Update c)
    {
        var current = Current(c.Key);
        if (!current.Exists) return Decision.Reject(ErrorCode.NotFound, $"key '{c.Key}' not found");
        if (Mismatch(c.Key, c.ExpectedRevision, current) is { } reject) return reject;
        return Write(c.Key, c.Value);
    }

    private Decision DecideDelete(Delete c)
    {
        var current = Current(c.Key);
        if (!current.Exists) return Decision.Reject(ErrorCode.NotFound, $"key '{c.Key}' not found");
        if (Mismatch(c.Key, c.ExpectedRevision, current) is { } reject) return reject;
        var revision = NextRevision;
        return Decision.Persist(new KeyDeleted(c.Key, revision), new Deleted(revision));
    }

    private Decision Write(string key, byte[] value)
    {
        var revision = NextRevision;
        return Decision.Persist(new KeyWritten(key, value, revision), new Written(revision));
    }

    // Expected revision 0 means "the key must not exist".
    private static Decision? Mismatch(string key, long? expected, (bool Exists, long Revision) current)
    {
        if (expected is not { } e || e == current.Revision) return null;
        var actual = current.Exists ? $"is at revision {current.Revision}" : "does not exist";
        return Decision.Reject(ErrorCode.RevisionMismatch, $"key '{key}' {actual}, expected revision {e}");
    }

    /// <summary>The key as the next write must see it: pending changes first, then durable state.</summary>
    private (bool Exists, long Revision) Current(string key)
    {
        if (_pending.TryGetLatest(key, out var latest)) return latest.Exists ? latest : (false, 0);
        return _state.TryGet(key, out var record) ? (true, record.Revision) : (false, 0);
    }
}
