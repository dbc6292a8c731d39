using KvActors.Journal;
using KvActors.Protocol;

namespace KvActors.Server.Commit;

/// <summary>
/// Writes decided while the previous group commit is still being written, in arrival order, waiting to become the
/// next one. An entry without changes is a reply that only had to wait for the writes before it.
/// </summary>
/// <typeparam name="TCaller">Whoever a reply goes to; null for changes nobody asked for (expiry sweeps).</typeparam>
internal sealed class GroupCommitBuffer<TCaller> where TCaller : class
{
    // Per-change overhead in the journal record beyond key and value bytes (revision, framing).
    private const int ChangeOverheadBytes = 32;

    private readonly Queue<Entry> _waiting = new();

    public bool IsEmpty => _waiting.Count == 0;

    public void Add(IReadOnlyList<IKvEvent> changes, TCaller? caller, IKvReply? reply) =>
        _waiting.Enqueue(new Entry(changes, caller, reply, SizeOf(changes)));

    /// <summary>
    /// Takes whole entries, oldest first, until the next would push the group past <paramref name="maxBytes"/>
    /// (always at least one entry, so no write is too big to be taken).
    /// </summary>
    public (List<IKvEvent> Changes, List<(TCaller Caller, IKvReply Reply)> Replies) TakeGroup(long maxBytes)
    {
        var changes = new List<IKvEvent>();
        var replies = new List<(TCaller, IKvReply)>();
        long bytes = 0;
        var taken = 0;
        while (_waiting.TryPeek(out var next) && (taken == 0 || bytes + next.Bytes <= maxBytes))
        {
            _waiting.Dequeue();
            taken++;
            bytes += next.Bytes;
            changes.AddRange(next.Changes);
            if (next.Caller is not null) replies.Add((next.Caller, next.Reply!));
        }

        return (changes, replies);
    }

    /// <summary>Every waiting caller, removed unanswered (the pipeline is abandoned).</summary>
    public IEnumerable<TCaller> Drain()
    {
        while (_waiting.TryDequeue(out var entry))
        {
            if (entry.Caller is not null) yield return entry.Caller;
        }
    }

    private static long SizeOf(IReadOnlyList<IKvEvent> changes)
    {
        long bytes = 0;
        foreach (var change in changes)
        {
            bytes += ChangeOverheadBytes + change switch
            {
                KeyWritten w => w.Key.Length + w.Value.Length,
                IKeyEvent k => k.Key.Length,
                _ => 0,
            };
        }

        return bytes;
    }

    private readonly record struct Entry(IReadOnlyList<IKvEvent> Changes, TCaller? Caller, IKvReply? Reply, long Bytes);
}
