namespace KvActors.Raft;

/// <summary>
/// The leader's ReadIndex requests waiting for a heartbeat round to confirm it still leads: each one remembers the
/// commit index when it arrived; once a quorum has answered a heartbeat carrying its context (or a later one's),
/// reading at that index is linearizable.
/// </summary>
internal sealed class ReadIndexQueue
{
    private readonly Dictionary<string, PendingRead> _pending = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public sealed record PendingRead(Message Request, ulong Index)
    {
        public HashSet<ulong> Acks { get; } = [];
    }

    public int Count => _order.Count;

    public void Add(ulong index, Message request, ulong self)
    {
        var key = KeyOf(request.Context!);
        if (_pending.ContainsKey(key)) return;
        var read = new PendingRead(request, index);
        read.Acks.Add(self);
        _pending[key] = read;
        _order.Add(key);
    }

    /// <summary>Records that <paramref name="from"/> answered the round for <paramref name="context"/>; returns how many
    /// voters (per <paramref name="isVoter"/>) have, or 0 if the request is unknown.</summary>
    public int Ack(ulong from, byte[] context, Func<ulong, bool> isVoter)
    {
        if (!_pending.TryGetValue(KeyOf(context), out var read)) return 0;
        read.Acks.Add(from);
        return read.Acks.Count(isVoter);
    }

    /// <summary>Takes out the request for <paramref name="context"/> and every one queued before it: a quorum that
    /// confirmed a later round confirmed the earlier ones too.</summary>
    public List<PendingRead> Release(byte[] context)
    {
        var key = KeyOf(context);
        var position = _order.IndexOf(key);
        if (position < 0) return [];
        var released = new List<PendingRead>(position + 1);
        for (var i = 0; i <= position; i++)
        {
            released.Add(_pending[_order[i]]);
            _pending.Remove(_order[i]);
        }

        _order.RemoveRange(0, position + 1);
        return released;
    }

    public byte[]? LastContext => _order.Count == 0 ? null : _pending[_order[^1]].Request.Context;

    public void Clear()
    {
        _pending.Clear();
        _order.Clear();
    }

    private static string KeyOf(byte[] context) => Convert.ToBase64String(context);
}
