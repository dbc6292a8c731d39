using KvActors.Journal;
using KvActors.Protocol;
using KvActors.Server.State;

namespace KvActors.Server.Commit;

/// <summary>
/// Turns decided writes into durable records and their replies, without actors, I/O or a clock (time comes in with
/// each call). Group commit: while one record is being written (<see cref="IDurableLog"/>), the changes of every
/// write decided meanwhile wait in a <see cref="GroupCommitBuffer{TCaller}"/> and then go out as the next record,
/// so many concurrent writers share one journal row and transaction instead of one round trip each. Accepted
/// changes are pending in the <see cref="KvStateMachine"/> (later decisions see them, reads do not) until their
/// record is durable; a write is answered only then. A reply decided against pending writes without changes of its
/// own (a rejected compare-and-set, a batch of reads) waits behind them too: a failed record would make it a lie.
/// </summary>
/// <typeparam name="TCaller">Whoever a reply goes to (an actor in the store).</typeparam>
internal sealed class CommitPipeline<TCaller> where TCaller : class
{
    /// <summary>Bounds one record; a single larger write still goes alone.</summary>
    public const long MaxGroupBytes = 8 * 1024 * 1024;

    private readonly KvStateMachine _machine;
    private readonly IDurableLog _log;
    private readonly Action<TCaller, IKvReply> _reply;
    private readonly GroupCommitBuffer<TCaller> _buffer = new();

    // The record being written and the replies owed once it is durable; null when no write is in flight.
    private List<IKvEvent>? _writing;
    private List<(TCaller Caller, IKvReply Reply)> _owed = [];

    /// <param name="reply">Sends a reply; called exactly once for every caller the pipeline answers.</param>
    public CommitPipeline(KvStateMachine machine, IDurableLog log, Action<TCaller, IKvReply> reply)
    {
        _machine = machine;
        _log = log;
        _reply = reply;
    }

    /// <summary>A record is being written.</summary>
    public bool IsWriting => _writing is not null;

    /// <summary>Decides a write against durable state plus pending writes; its reply follows once that is durable.</summary>
    public void Submit(IWriteCommand command, long nowUnixMs, TCaller caller)
    {
        var decision = _machine.Decide(command, nowUnixMs);
        if (decision.Events.Count > 0) Accept(decision.Events, caller, decision.Reply);
        else if (!IsWriting) _reply(caller, decision.Reply);
        else _buffer.Add([], caller, decision.Reply);
    }

    /// <summary>Makes the removal of up to <paramref name="max"/> expired keys durable; nobody waits for it.</summary>
    public void SweepExpired(long nowUnixMs, int max)
    {
        var expirations = _machine.DecideExpirations(nowUnixMs, max);
        if (expirations.Count > 0) Accept(expirations, null, null);
    }

    /// <summary>
    /// The record in flight is durable: its changes become state, its callers are answered, and the writes decided
    /// meanwhile go out as the next record.
    /// </summary>
    /// <returns>How many changes the durable record held.</returns>
    public int OnDurable()
    {
        var written = _writing ?? throw new InvalidOperationException("no record is being written");
        foreach (var change in written) _machine.ApplyEvent(change);
        foreach (var (caller, reply) in _owed) _reply(caller, reply);
        WriteNext();
        return written.Count;
    }

    /// <summary>
    /// Gives up on everything not durable: the record in flight and the writes waiting behind it are dropped from
    /// the state machine's pending writes, and their callers are returned unanswered, for the owner to tell them
    /// what became of their requests (refused, or of unknown outcome). What a deposed leader, a fenced store and a
    /// stopping store do.
    /// </summary>
    public IReadOnlyList<TCaller> Abandon()
    {
        var callers = _owed.Select(o => o.Caller).Concat(_buffer.Drain()).ToList();
        _writing = null;
        _owed = [];
        _machine.DiscardPending();
        return callers;
    }

    private void Accept(IReadOnlyList<IKvEvent> changes, TCaller? caller, IKvReply? reply)
    {
        _machine.Accept(changes);
        _buffer.Add(changes, caller, reply);
        if (!IsWriting) WriteNext();
    }

    private void WriteNext()
    {
        _writing = null;
        _owed = [];
        while (!_buffer.IsEmpty)
        {
            var group = _buffer.TakeGroup(MaxGroupBytes);
            if (group.Changes.Count == 0)
            {
                // Only replies that waited for writes which are durable now.
                foreach (var (caller, reply) in group.Replies) _reply(caller, reply);
                continue;
            }

            _writing = group.Changes;
            _owed = group.Replies;
            _log.Write(group.Changes);
            return;
        }
    }
}
