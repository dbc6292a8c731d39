using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using KvActors.Journal;
using KvActors.Protocol;
using KvActors.Server.Commit;
using KvActors.Server.Ownership;
using KvActors.Server.State;

namespace KvActors.Server.Partition;

/// <summary>
/// Hosts one partition's <see cref="KvStateMachine"/> and makes its changes durable: the Akka.Persistence adapter of
/// a <see cref="CommitPipeline{TCaller}"/>, whose records it persists as <see cref="ChangeSet"/> events
/// (<see cref="IDurableLog"/>). Commands are handled one at a time; a write is answered only once its record is
/// durable. The actor adds what needs Akka: recovery, snapshots and compaction, the expiry sweep timer, ownership and
/// hand-off. On a journal failure the actor stops; its parent restarts it.
/// Every request is answered exactly once, through <see cref="Reply"/>, which also lets the front's
/// <see cref="AdmissionGate"/> admit the next one.
/// Ownership: the store runs under an <see cref="OwnershipGrant"/> taken before it recovered. Its journal records
/// carry the grant's epoch, which the journal refuses once a newer owner has taken the partition; and it answers
/// requests only while its lease is valid on the monotonic clock, renewing it in the background. A request that
/// finds the lease expired (after a long pause, say) waits for a renewal; a renewal that finds a newer owner, or a
/// write the journal fenced off, stops the store for good (<see cref="StoreFenced"/>).
/// </summary>
public sealed class StoreActor : ReceivePersistentActor, IWithTimers, IDurableLog
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);
    private const int MaxExpirationsPerSweep = 1000;

    private readonly StoreSettings _settings;
    private readonly AdmissionGate _gate;
    private readonly KvStateMachine _machine;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DateTime _startedAt = DateTime.UtcNow;

    // Recovery runs from the actor's start (persistence begins recovering in PreStart) to RecoveryCompleted.
    private readonly long _startedTimestamp = Stopwatch.GetTimestamp();
    private PartitionRecovery? _recovery;

    private readonly CommitPipeline<IActorRef> _pipeline;
    private readonly BackupSessions _backups;
    private readonly Action<ChangeSet> _onGroupDurable;

    private long _durableSequenceNr;
    private long _snapshotSequenceNr;
    private long _changesSinceSnapshot;
    private long _keysAtSnapshot;
    private bool _snapshotInFlight;
    private bool _handingOff;

    private readonly long _epoch;
    private readonly OwnershipLease _lease;
    private bool _waitingForLease;
    private bool _fenced;
    private long _groupStartedTimestamp;

    // A long recovery says how far it got every settings.ProgressEvery (checked as events replay: timers do not run
    // while a persistent actor recovers), against the journal's end as it was when this store took the partition.
    private long _lastProgressTimestamp = Stopwatch.GetTimestamp();
    private long _recoveredChanges;
    private readonly long _journalEnd;

    public StoreActor(StoreSettings settings, AdmissionGate gate, OwnershipGrant grant)
    {
        _settings = settings;
        _gate = gate;
        _epoch = grant.Epoch;
        _lease = grant.Lease;
        _journalEnd = grant.JournalEnd;
        _machine = new KvStateMachine(settings.Limits);
        _pipeline = new CommitPipeline<IActorRef>(_machine, this, Reply);
        _onGroupDurable = _ => OnGroupDurable();
        _backups = new BackupSessions(settings.PartitionId, settings.Limits.ScanPageBytes);
        PersistenceId = settings.PersistenceId;
        // Gauges read the state's key count and the gate between messages: a slightly stale number is fine.
        KvMetrics.PartitionStarted(settings.PartitionId, () => _machine.Count, () => gate.Pending);

        Recover<SnapshotOffer>(offer =>
        {
            _machine.LoadSnapshot((StoreSnapshot)offer.Snapshot);
            _snapshotSequenceNr = offer.Metadata.SequenceNr;
            _keysAtSnapshot = _machine.Count;
        });
        Recover<ChangeSet>(set =>
        {
            foreach (var change in set.Changes) _machine.ApplyEvent(change);
            _changesSinceSnapshot += set.Changes.Count;
            _recoveredChanges += set.Changes.Count;
            if (Stopwatch.GetElapsedTime(_lastProgressTimestamp) >= _settings.ProgressEvery) LogRecoveryProgress();
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<PartitionHandOff>(_ =>
        {
            // The partition moves: stop once every accepted write is durable, so the next owner recovers them all
            // and never races this store for a sequence number.
            _handingOff = true;
            Timers.Cancel(nameof(SweepExpired));
            ReleaseOnceHandedOff();
        });
        Command<HandedOff>(_ => Context.Stop(Self));
        Command<CheckLease>(_ => OnCheckLease());
        Command<IKvRequest>(request =>
        {
            if (!HoldsLease()) return;
            switch (request)
            {
                case IWriteCommand write: _pipeline.Submit(write, Now, Sender); break;
                case GetStats: Reply(Sender, Stats()); break;
                case ReadBackup backup: Reply(Sender, _backups.Read(backup, _machine.ToSnapshot, Now)); break;
                case IKvQuery query: Reply(Sender, _machine.Query(query, Now)); break;
                default: Unhandled(request); break;
            }
        });
        // Expired keys are already invisible to reads; the sweep makes their removal durable so memory, snapshots
        // and restarts do not carry them forever.
        Command<SweepExpired>(_ =>
        {
            _backups.DropIdle(Now);
            _pipeline.SweepExpired(Now, MaxExpirationsPerSweep);
        });
        Command<SaveSnapshotSuccess>(OnSnapshotSaved);
        Command<SaveSnapshotFailure>(f =>
        {
            _snapshotInFlight = false;
            _log.Warning(f.Cause, "Snapshot at sequence {0} failed; the journal still holds every event", f.Metadata.SequenceNr);
        });
        Command<DeleteMessagesSuccess>(m =>
        {
            _log.Debug("Compacted journal up to sequence {0}", m.ToSequenceNr);
            OnCompacted();
        });
        Command<DeleteMessagesFailure>(m =>
        {
            _log.Warning(m.Cause, "Journal compaction up to {0} failed", m.ToSequenceNr);
            OnCompacted();
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(m => _log.Warning(m.Cause, "Deleting old snapshots failed"));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    // The one clock read: the state machine is given the time, it never reads it.
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static Props Props(StoreSettings settings, AdmissionGate gate, OwnershipGrant grant) =>
        Akka.Actor.Props.Create(() => new StoreActor(settings, gate, grant));

    private void LogRecoveryProgress()
    {
        _lastProgressTimestamp = Stopwatch.GetTimestamp();
        var elapsed = Stopwatch.GetElapsedTime(_startedTimestamp);
        var toReplay = Math.Max(_journalEnd - _snapshotSequenceNr, 1);
        var percent = Math.Clamp(100.0 * (LastSequenceNr - _snapshotSequenceNr) / toReplay, 0, 100);
        var rate = _recoveredChanges / Math.Max(elapsed.TotalSeconds, 0.001);
        _log.Info(FormattableString.Invariant(
            $"Partition {_settings.PartitionId} recovering: {Math.Floor(percent):0}% of the journal after the snapshot (sequence {LastSequenceNr} of {_journalEnd}), {_machine.Count} keys, {_recoveredChanges} changes replayed ({rate:0} changes/s), {elapsed.TotalSeconds:0.0}s so far"));
    }

    private void OnRecovered()
    {
        _durableSequenceNr = LastSequenceNr;
        var node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        _recovery = new PartitionRecovery(_settings.PartitionId, node, _startedAt, Stopwatch.GetElapsedTime(_startedTimestamp));
        _log.Info("Partition {0} recovered in {1:0.###}s: {2} keys at revision {3} (journal sequence {4}, snapshot {5})",
            _settings.PartitionId, _recovery.Duration.TotalSeconds, _machine.Count, _machine.Revision, LastSequenceNr, _snapshotSequenceNr);
        KvMetrics.PartitionRecovered(_settings.PartitionId, _recovery.Duration);
        if (_snapshotSequenceNr > 0) TrimHeap("loading its snapshot", _keysAtSnapshot);
        Context.Parent.Tell(new StoreReady(_settings.PartitionId));
        Timers.StartPeriodicTimer(nameof(SweepExpired), SweepExpired.Instance, SweepInterval);
        Timers.StartPeriodicTimer(nameof(CheckLease), CheckLease.Instance, _settings.Fence.Lease.RenewEvery);
    }

    // Every answer, even one from memory, needs a valid lease: after a pause longer than the lease a newer owner may
    // have taken the partition and acknowledged writes this store has not seen. Without one the request waits until
    // the fence's renewal restores the lease or shows the partition gone.
    private bool HoldsLease()
    {
        if (_lease.IsValidAt(MonotonicClock.Now)) return true;
        Stash.Stash();
        if (_lease.Lost)
        {
            Fenced("its lease renewal found a newer owner", writesRefused: false);
            return false;
        }

        if (!_waitingForLease)
        {
            _waitingForLease = true;
            Timers.StartSingleTimer(nameof(_waitingForLease), CheckLease.Instance, TimeSpan.FromMilliseconds(20));
        }

        return false;
    }

    // Periodically (a lost lease stops the store even when idle) and, while requests wait, every 20 ms.
    private void OnCheckLease()
    {
        if (_lease.Lost)
        {
            Fenced("its lease renewal found a newer owner", writesRefused: false);
            return;
        }

        if (!_waitingForLease) return;
        if (_lease.IsValidAt(MonotonicClock.Now))
        {
            _waitingForLease = false;
            Stash.UnstashAll();
        }
        else
        {
            Timers.StartSingleTimer(nameof(_waitingForLease), CheckLease.Instance, TimeSpan.FromMilliseconds(20));
        }
    }

    // A newer owner holds the partition: this store's memory may be stale and its journal writes are refused. It
    // answers what waits (not applied: the caller retries on the new owner) and stops; its host never restarts it.
    // Writes the journal refused were not applied either; a write still in flight when a renewal found the newer
    // owner may have landed just before the takeover, so PostStop answers it as of unknown outcome.
    private void Fenced(string how, bool writesRefused)
    {
        if (_fenced) return;
        _fenced = true;
        _log.Warning("Partition {0} stops for good: {1} (this store held epoch {2})", _settings.PartitionId, how, _epoch);
        var notApplied = Stash.ClearStash().Where(e => e.Message is IKvRequest).Select(e => e.Sender).ToList();
        if (writesRefused) notApplied.AddRange(_pipeline.Abandon());

        foreach (var replyTo in notApplied) Reply(replyTo, StoreFenced.Error(_settings.PartitionId));
        Context.Parent.Tell(new StoreFenced(_settings.PartitionId));
        Context.Stop(Self);
    }

    void IDurableLog.Write(IReadOnlyList<IKvEvent> changes)
    {
        _groupStartedTimestamp = Stopwatch.GetTimestamp();
        KvMetrics.GroupCommitSize.Record(changes.Count);
        PersistAsync(new ChangeSet(changes) { Epoch = _epoch }, _onGroupDurable);
    }

    private void OnGroupDurable()
    {
        KvMetrics.JournalWriteDuration.Record(Stopwatch.GetElapsedTime(_groupStartedTimestamp).TotalSeconds);
        _durableSequenceNr++;
        _changesSinceSnapshot += _pipeline.OnDurable();
        MaybeSnapshot();
        ReleaseOnceHandedOff();
    }

    // Released before stopping, not after: the next owner then takes the partition at once, without waiting out
    // this store's lease, even if this node's system shuts down right after the hand-off.
    private void ReleaseOnceHandedOff()
    {
        if (_handingOff && !_pipeline.IsWriting) _settings.Fence.ReleaseAsync(PersistenceId, _epoch).PipeTo(Self, success: () => HandedOff.Instance);
    }

    // Sweeps have no requester and were never admitted: the pipeline never answers them.
    private void Reply(IActorRef replyTo, IKvReply reply)
    {
        replyTo.Tell(reply);
        _gate.Leave();
    }

    // The snapshot is tagged with the sequence number of the last *durable* record, not LastSequenceNr: with a
    // write in flight, LastSequenceNr already counts a record the state does not hold yet.
    private void MaybeSnapshot()
    {
        if (_snapshotInFlight || !SnapshotSchedule.IsDue(_changesSinceSnapshot, _settings.SnapshotEvery, _keysAtSnapshot)) return;
        _snapshotInFlight = true;
        _changesSinceSnapshot = 0;
        _keysAtSnapshot = _machine.Count;
        var metadata = new SnapshotMetadata(PersistenceId, _durableSequenceNr, DateTime.UtcNow);
        SnapshotStore.Tell(new SaveSnapshot(metadata, _machine.ToSnapshot()));
    }

    // Once a snapshot is durable, the events and snapshots it covers are dead weight: delete them so disk use
    // and restart time stay bounded by the live data, not by the history. The snapshot stays "in flight" until
    // the journal is compacted: two overlapping deletes of one stream can deadlock on PostgreSQL.
    private void OnSnapshotSaved(SaveSnapshotSuccess success)
    {
        _snapshotSequenceNr = success.Metadata.SequenceNr;
        DeleteMessages(success.Metadata.SequenceNr);
        DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
        TrimHeap("saving a snapshot", _keysAtSnapshot);
    }

    private void TrimHeap(string after, long keys)
    {
        if (HeapTrim.AfterSnapshotOf(keys) is { } took)
            _log.Info("Returned unused memory to the OS after {0} of {1} keys in partition {2} ({3:0} ms pause)", after, keys, _settings.PartitionId, took.TotalMilliseconds);
    }

    private void OnCompacted()
    {
        _snapshotInFlight = false;
        MaybeSnapshot(); // writes that passed the interval while this snapshot was saving and compacting
    }

    // Commands are only handled after recovery, so _recovery is set by then.
    private StoreStats Stats() => new(
        _machine.Count, _machine.Revision, _durableSequenceNr, _snapshotSequenceNr, _settings.DataDirectory,
        DateTime.UtcNow - _startedAt)
    {
        Node = _recovery!.Node,
        Recoveries = [_recovery],
    };

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        if (OwnershipFence.IsFencedWrite(cause))
        {
            // The journal refused the epoch: a newer owner took the partition while this store was not looking.
            Fenced($"the journal refused its write at sequence {sequenceNr} (a newer owner holds the partition)", writesRefused: true);
            return;
        }

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
        foreach (var replyTo in _pipeline.Abandon()) Reply(replyTo, KvErrors.LostInFlight("storage failed before the request was answered"));

        // Whatever stopped it, the next owner need not wait out this store's lease (a fenced store's release finds
        // a newer epoch and changes nothing). A write still queued in the journal is refused once the next owner takes
        // the partition, so releasing before it lands is safe.
        _ = _settings.Fence.ReleaseAsync(PersistenceId, _epoch);
        base.PostStop();
    }

    private sealed class SweepExpired
    {
        public static readonly SweepExpired Instance = new();
    }

    private sealed class HandedOff
    {
        public static readonly HandedOff Instance = new();
    }

    private sealed class CheckLease
    {
        public static readonly CheckLease Instance = new();
    }
}
