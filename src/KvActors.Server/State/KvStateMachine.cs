using KvActors.Journal;
using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>
/// The deterministic heart of a partition. <see cref="Decide"/> turns a write command into events and a reply
/// without changing anything; <see cref="ApplyEvent"/> makes a durable event part of the state. Between the two,
/// <see cref="Accept"/> records the events as pending so later decisions see them. Reads see durable state only.
/// No actors, no I/O, no clock (time comes in with each call): the same events in the same order always give the
/// same state, which is what lets a journal (and later a replicated log) drive it.
/// </summary>
internal sealed class KvStateMachine
{
    private readonly StoreLimits _limits;
    private readonly WriteDecider _decider;
    private KvState _state = new();
    private KeyOverlay _pending;

    public KvStateMachine(StoreLimits limits)
    {
        _limits = limits;
        _decider = new WriteDecider(limits);
        _pending = new KeyOverlay(_state);
    }

    /// <summary>Revision of the last durable change.</summary>
    public long Revision => _state.Revision;

    /// <summary>Keys held in durable state, including expired keys not swept yet.</summary>
    public int Count => _state.Count;

    /// <summary>Decides against durable state plus every accepted write, so conditions see all writes before them.</summary>
    public Decision Decide(IWriteCommand command, long nowUnixMs) => _decider.Decide(command, _pending, nowUnixMs);

    /// <summary>Record the events of an accepted decision as pending until they are durable.</summary>
    public void Accept(IReadOnlyList<IKvEvent> events)
    {
        foreach (var e in events) _pending.Accept(e);
    }

    /// <summary>
    /// Forgets every accepted write that is not durable, as if it had never been decided: what a store does when
    /// those writes will never be made durable by it (fenced off by a newer owner; a deposed Raft leader).
    /// </summary>
    public void DiscardPending() => _pending = new KeyOverlay(_state);

    /// <summary>Apply a durable event: from the journal during recovery, or once a persist succeeded.</summary>
    public void ApplyEvent(IKvEvent e)
    {
        _state.ApplyEvent(e);
        _pending.Commit(e);
    }

    public IKvReply Query(IKvQuery query, long nowUnixMs) => query switch
    {
        Get q => PointReads.Get(_state, q.Key, nowUnixMs),
        Exists q => PointReads.Exists(_state, q.Key, nowUnixMs),
        Scan q => _state.Scan(q.Prefix, q.After, q.Limit, _limits.ScanPageBytes, nowUnixMs),
        RandomKey q => new RandomKeyResult(_state.RandomKey(q.Seed, nowUnixMs)),
        // Applied state is what any read sees here; which replica answers is the host's decision.
        StaleRead q => Query(q.Query, nowUnixMs),
        _ => new KvError(ErrorCode.UnsupportedRequest, $"unsupported query {query.GetType().Name}"),
    };

    /// <summary>
    /// Deletions for up to <paramref name="max"/> durable keys whose expiry has passed and that no pending write
    /// has changed since (a pending write decides their fate itself).
    /// </summary>
    public IReadOnlyList<IKvEvent> DecideExpirations(long nowUnixMs, int max)
    {
        var events = new List<IKvEvent>();
        foreach (var key in _state.ExpiredKeys(nowUnixMs, max))
        {
            if (!_pending.TryGet(key, out var latest) || latest.IsLiveAt(nowUnixMs)) continue;
            if (_state.TryGet(key, out var durable) && durable.Revision != latest.Revision) continue;
            events.Add(new KeyDeleted(key, _pending.LatestRevision + events.Count + 1));
        }

        return events;
    }

    public StoreSnapshot ToSnapshot() => _state.ToSnapshot();

    public void LoadSnapshot(StoreSnapshot snapshot)
    {
        _state = KvState.FromSnapshot(snapshot);
        _pending = new KeyOverlay(_state);
    }
}
