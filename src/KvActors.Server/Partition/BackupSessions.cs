using System.Text;
using KvActors.Journal;
using KvActors.Protocol;

namespace KvActors.Server.Partition;

/// <summary>
/// A partition's open backup reads (<see cref="ReadBackup"/>). Opening one freezes the committed state: a copy of the
/// key index (values are immutable and shared, so this costs about one reference per key, like a snapshot does), at
/// the revision it was taken, which every page then reads from while writes go on. Pages are bounded like scan
/// pages so they fit a remoting frame. Sessions idle longer than <see cref="IdleLimit"/> are dropped, and at most
/// <see cref="MaxSessions"/> are open at once (the oldest goes first), so an abandoned backup holds no memory for long.
/// </summary>
internal sealed class BackupSessions(int partition, int pageBytes)
{
    public static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(1);
    public const int MaxSessions = 2;

    // Entry overhead counted against the page budget besides key and value (revision, expiry, framing).
    private const int EntryOverheadBytes = 32;

    private readonly Dictionary<long, Session> _open = new();

    /// <summary>Answers one page; <paramref name="freeze"/> takes the committed state when a session opens.</summary>
    public IKvReply Read(ReadBackup request, Func<StoreSnapshot> freeze, long nowUnixMs)
    {
        Session session;
        if (request.Session == 0)
        {
            if (_open.Count >= MaxSessions) _open.Remove(_open.MinBy(s => s.Value.LastUsedUnixMs).Key);
            var id = NewId();
            session = new Session(id, freeze());
            _open[id] = session;
        }
        else if (!_open.TryGetValue(request.Session, out session!))
        {
            return new KvError(ErrorCode.Unavailable,
                $"{ReadBackup.SessionGonePrefix}partition {partition} no longer holds backup session {request.Session} (idle too long, or the partition restarted or moved); read the partition again from its first page");
        }

        session.LastUsedUnixMs = nowUnixMs;
        var entries = session.State.Entries;
        var start = request.Session == 0 ? 0 : request.Position;
        if (start < 0 || start > entries.Count)
            return new KvError(ErrorCode.InvalidArgument, $"backup position {start} is outside partition {partition}'s {entries.Count} keys");

        var page = new List<KvEntry>();
        var bytes = 0L;
        var next = start;
        while (next < entries.Count)
        {
            var entry = entries[(int)next];
            var size = Encoding.UTF8.GetByteCount(entry.Key) + entry.Value.Length + EntryOverheadBytes;
            if (page.Count > 0 && bytes + size > pageBytes) break;
            page.Add(entry);
            bytes += size;
            next++;
        }

        var last = next == entries.Count;
        if (last) _open.Remove(session.Id);
        return new BackupPage(partition, session.Id, session.State.Revision, entries.Count, page, last ? null : next);
    }

    /// <summary>Drops sessions nobody asked for in <see cref="IdleLimit"/>.</summary>
    public void DropIdle(long nowUnixMs)
    {
        if (_open.Count == 0) return;
        foreach (var (id, session) in _open.ToArray())
        {
            if (nowUnixMs - session.LastUsedUnixMs > IdleLimit.TotalMilliseconds) _open.Remove(id);
        }
    }

    private long NewId()
    {
        long id;
        do id = Random.Shared.NextInt64(1, long.MaxValue);
        while (_open.ContainsKey(id));
        return id;
    }

    private sealed class Session(long id, StoreSnapshot state)
    {
        public long Id { get; } = id;

        public StoreSnapshot State { get; } = state;

        public long LastUsedUnixMs { get; set; }
    }
}
