namespace KvActors.Raft;

/// <summary>
/// The append messages sent to one follower and not yet acknowledged, as (last index, bytes), oldest first: flow
/// control caps their number and their bytes so a slow follower cannot make the leader buffer without bound.
/// </summary>
internal sealed class Inflights(int maxCount, long maxBytes)
{
    private readonly Queue<(ulong Index, long Bytes)> _inflight = new();

    public long Bytes { get; private set; }

    public int Count => _inflight.Count;

    public bool Full => _inflight.Count >= maxCount || (maxBytes > 0 && Bytes >= maxBytes);

    public void Add(ulong index, long bytes)
    {
        _inflight.Enqueue((index, bytes));
        Bytes += bytes;
    }

    /// <summary>The follower acknowledged everything up to <paramref name="index"/>.</summary>
    public void FreeLE(ulong index)
    {
        while (_inflight.Count > 0 && _inflight.Peek().Index <= index) Bytes -= _inflight.Dequeue().Bytes;
    }

    /// <summary>Forgets the oldest message: it was most likely lost, and a full window would otherwise stall forever.</summary>
    public void FreeFirst()
    {
        if (_inflight.Count > 0) Bytes -= _inflight.Dequeue().Bytes;
    }

    public void Reset()
    {
        _inflight.Clear();
        Bytes = 0;
    }
}
