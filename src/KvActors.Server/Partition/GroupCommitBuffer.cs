using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Server.Partition;

/// <summary>
/// Writes decided while the previous group commit is still being written, in arrival order, waiting to become the
/// next one. An entry without changes is a reply that only had to wait for the writes before it.
/// </summary>
internal sealed class GroupCommitBuffer
{
    // Per-change overhead in the journal record beyond key and value bytes (revision, framing).
    private const int ChangeOverheadBytes = 32;

    private readonly Queue<Entry> _waiting = new();

    public bool IsEmpty => _waiting.Count == 0;

    public void Add(IReadOnlyList<IKvEvent> changes, IActorRef? replyTo, IKvReply? reply) =>
        _waiting.Enqueue(new Entry(changes, replyTo, reply, SizeOf(changes)));

    /// <summary>
    /// Takes whole entries, oldest first, until the next would push the group past <paramref name="maxBytes"/>
    /// (always at least one entry, so no write is too big to be taken).
    /// </summary>
    public (List<IKvEvent> Changes, List<(IActorRef? ReplyTo, IKvReply? Reply)> Replies) TakeGroup(long maxBytes)
    {
        var changes = new List<IKvEvent>();
        var replies = new List<(IActorRef?, IKvReply?)>();
        long bytes = 0;
        var taken = 0;
        while (_waiting.TryPeek(out var next) && (taken == 0 || bytes + next.Bytes <= maxBytes))
        {
            _waiting.Dequeue();
            taken++;
            bytes += next.Bytes;
            changes.AddRange(next.Changes);
            if (next.ReplyTo is not null) replies.Add((next.ReplyTo, next.Reply));
        }

        return (changes, replies);
    }

    /// <summary>Every waiting reply, for answering them all when the store stops.</summary>
    public IEnumerable<(IActorRef ReplyTo, IKvReply? Reply)> Drain()
    {
        while (_waiting.TryDequeue(out var entry))
        {
            if (entry.ReplyTo is not null) yield return (entry.ReplyTo, entry.Reply);
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

    private readonly record struct Entry(IReadOnlyList<IKvEvent> Changes, IActorRef? ReplyTo, IKvReply? Reply, long Bytes);
}
