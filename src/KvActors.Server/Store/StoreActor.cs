using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using KvActors.Protocol;
using KvActors.Server.State;

namespace KvActors.Server.Store;

/// <summary>
/// Hosts one partition's <see cref="KvStateMachine"/> and makes its events durable. Commands are handled one at a
/// time; writes are persisted with <c>PersistAllAsync</c>, so while one journal write is in flight the next writes
/// queue up and go to the journal together (group commit) instead of one disk round trip each. A write is answered
/// only from its persist handler, that is, once durable. On a journal failure the actor stops; its parent restarts it.
/// </summary>
public sealed class StoreActor : ReceivePersistentActor, IWithTimers
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);
    private const int MaxExpirationsPerSweep = 1000;

    private readonly StoreSettings _settings;
    private readonly KvStateMachine _machine;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DateTime _startedAt = DateTime.UtcNow;

    // One entry per persisted event or deferred reply, oldest first; only the last event of a command carries its reply.
    private readonly Queue<(IActorRef? ReplyTo, IKvReply? Reply)> _awaitingDurability = new();
    private readonly Action<IKvEvent> _onDurable;
    private readonly Action<object> _onPendingDrained;

    private long _durableSequenceNr;
    private long _snapshotSequenceNr;
    private long _nextSnapshotAt;
    private bool _snapshotInFlight;

    public StoreActor(StoreSettings settings)
    {
        _settings = settings;
        _machine = new KvStateMachine(settings.Limits);
        _onDurable = OnDurable;
        _onPendingDrained = _ => ReplyNext();
        PersistenceId = settings.PersistenceId;

        Recover<SnapshotOffer>(offer =>
        {
            _machine.LoadSnapshot((StoreSnapshot)offer.Snapshot);
            _snapshotSequenceNr = offer.Metadata.SequenceNr;
        });
        Recover<IKvEvent>(e => _machine.ApplyEvent(e));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<IWriteCommand>(HandleWrite);
        Command<GetStats>(_ => Sender.Tell(Stats()));
        Command<IKvQuery>(q => Sender.Tell(_machine.Query(q, Now)));
        Command<SweepExpired>(_ => SweepExpiredKeys());
        Command<SaveSnapshotSuccess>(OnSnapshotSaved);
        Command<SaveSnapshotFailure>(f =>
        {
            _snapshotInFlight = false;
            _log.Warning(f.Cause, "Snapshot at sequence {0} failed; the journal still holds every event", f.Metadata.SequenceNr);
        });
        Command<DeleteMessagesSuccess>(m => _log.Debug("Compacted journal up to sequence {0}", m.ToSequenceNr));
        Command<DeleteMessagesFailure>(m => _log.Warning(m.Cause, "Journal compaction up to {0} failed", m.ToSequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(m => _log.Warning(m.Cause, "Deleting old snapshots failed"));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    // The one clock read: the state machine is given the time, it never reads it.
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static Props Props(StoreSettings settings) => Akka.Actor.Props.Create(() => new StoreActor(settings));

    private void OnRecovered()
    {
        _durableSequenceNr = LastSequenceNr;
        _nextSnapshotAt = _snapshotSequenceNr + _settings.SnapshotEvery;
        _log.Info("Partition {0} recovered: {1} keys at revision {2} (journal sequence {3}, snapshot {4})",
            _settings.PartitionId, _machine.Count, _machine.Revision, LastSequenceNr, _snapshotSequenceNr);
        Context.Parent.Tell(new StoreReady(_settings.PartitionId));
        Timers.StartPeriodicTimer(nameof(SweepExpired), SweepExpired.Instance, SweepInterval);
    }

    private void HandleWrite(IWriteCommand command)
    {
        var decision = _machine.Decide(command, Now);
        if (decision.Events.Count == 0)
        {
            ReplyOncePendingWritesAreDurable(Sender, decision.Reply);
            return;
        }

        PersistDecided(decision.Events, Sender, decision.Reply);
    }

    private void PersistDecided(IReadOnlyList<IKvEvent> events, IActorRef? replyTo, IKvReply? reply)
    {
        _machine.Accept(events);
        for (var i = 0; i < events.Count - 1; i++) _awaitingDurability.Enqueue((null, null));
        _awaitingDurability.Enqueue((replyTo, reply));
        PersistAllAsync(events, _onDurable);
    }

    // A reply decided against accepted-but-not-durable writes (an AlreadyExists caused by a pending Create, say) may
    // only leave once those writes are durable, or a journal failure could make it a lie. DeferAsync runs the
    // handler after every persist issued before it.
    private void ReplyOncePendingWritesAreDurable(IActorRef replyTo, IKvReply reply)
    {
        if (_awaitingDurability.Count == 0)
        {
            replyTo.Tell(reply);
            return;
        }

        _awaitingDurability.Enqueue((replyTo, reply));
        DeferAsync<object>(reply, _onPendingDrained);
    }

    private void OnDurable(IKvEvent e)
    {
        _machine.ApplyEvent(e);
        _durableSequenceNr++;
        ReplyNext();
        MaybeSnapshot();
    }

    private void ReplyNext()
    {
        var (replyTo, reply) = _awaitingDurability.Dequeue();
        replyTo?.Tell(reply);
    }

    // Expired keys are already invisible to reads; the sweep makes their removal durable so memory, snapshots
    // and restarts do not carry them forever.
    private void SweepExpiredKeys()
    {
        var expirations = _machine.DecideExpirations(Now, MaxExpirationsPerSweep);
        if (expirations.Count > 0) PersistDecided(expirations, null, null);
    }

    // The snapshot is tagged with the sequence number of the last *durable* event, not LastSequenceNr: with
    // writes still in flight, LastSequenceNr already counts events the state does not hold yet.
    private void MaybeSnapshot()
    {
        if (_snapshotInFlight || _durableSequenceNr < _nextSnapshotAt) return;
        _snapshotInFlight = true;
        _nextSnapshotAt = _durableSequenceNr + _settings.SnapshotEvery;
        var metadata = new SnapshotMetadata(PersistenceId, _durableSequenceNr, DateTime.UtcNow);
        SnapshotStore.Tell(new SaveSnapshot(metadata, _machine.ToSnapshot()));
    }

    // Once a snapshot is durable, the events and snapshots it covers are dead weight: delete them so disk use
    // and restart time stay bounded by the live data, not by the history.
    private void OnSnapshotSaved(SaveSnapshotSuccess success)
    {
        _snapshotInFlight = false;
        _snapshotSequenceNr = success.Metadata.SequenceNr;
        DeleteMessages(success.Metadata.SequenceNr);
        DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
        MaybeSnapshot(); // writes that passed the interval while this snapshot was saving
    }

    private StoreStats Stats() => new(
        _machine.Count, _machine.Revision, _durableSequenceNr, _snapshotSequenceNr, _settings.DataDirectory,
        DateTime.UtcNow - _startedAt);

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Journal write failed at sequence {0}; partition {1} stops and will be restarted",
            sequenceNr, _settings.PartitionId);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    // A rejected event (the journal refused to store it) would leave the pending state out of step with the
    // journal, so stop and rebuild from the journal rather than guess.
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Journal rejected event at sequence {0}; partition {1} restarts from its journal",
            sequenceNr, _settings.PartitionId);
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        while (_awaitingDurability.TryDequeue(out var waiting))
        {
            waiting.ReplyTo?.Tell(new KvError(ErrorCode.Unavailable,
                "storage failed before the write was acknowledged; its outcome is unknown, read before retrying"));
        }

        base.PostStop();
    }

    private sealed class SweepExpired
    {
        public static readonly SweepExpired Instance = new();
    }
}
