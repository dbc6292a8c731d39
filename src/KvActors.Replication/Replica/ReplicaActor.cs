using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using KvActors.Journal;
using KvActors.Protocol;
using KvActors.Raft;
using KvActors.Replication.Joining;
using KvActors.Replication.Placement;
using KvActors.Replication.Transport;
using KvActors.Server.Commit;
using KvActors.Server.Partition;
using KvActors.Server.State;
using RaftSnapshotMetadata = KvActors.Raft.SnapshotMetadata;

namespace KvActors.Replication.Replica;

/// <summary>
/// One replica of a partition's Raft group: the host of a <see cref="RaftNode"/> and of the partition's
/// <see cref="KvStateMachine"/>. The core decides, this actor does the I/O, in etcd's order for each Ready: send
/// what may go early, persist the new entries and hard state as ONE journal event (<see cref="RaftLogWritten"/>),
/// then send what vouches for that write, then <see cref="RaftNode.Advance"/>. Committed entries are applied as
/// soon as the Ready hands them out, while the write is in flight, as etcd's server does: they are already on a
/// majority's disks, and waiting for our own write would add its latency to every answer.
/// <para>
/// Writes: only the leader takes them, and only once it has applied its whole log as it stood when it was elected
/// (its no-op included): the state machine then decides each command against applied state plus its own
/// proposals, and the events go into the log in group commits (one entry for the writes decided between two
/// Readys). A write is answered once its entry is committed and applied. A leader that loses its leadership answers
/// proposed writes as of unknown outcome (they may still commit) and everything else as not applied.
/// </para>
/// <para>
/// Reads: linearizable on the leader through ReadIndex; <see cref="StaleRead"/> reads any replica's applied state.
/// Anyone else is told who leads (<see cref="NotLeader"/>).
/// </para>
/// <para>
/// Snapshots: every <see cref="ReplicationSettings.SnapshotEvery"/> applied entries, and after installing a leader's
/// snapshot, the replica saves a <see cref="ReplicaSnapshot"/> to the snapshot store, then compacts its in-memory log
/// behind it (keeping <see cref="ReplicationSettings.SnapshotCatchUpEntries"/>) and deletes the journal events and
/// older snapshots it covers. A leader sends its latest saved snapshot to a follower whose next entry it compacted:
/// inside the Raft message if it fits one remoting frame, else in acknowledged pieces (<see cref="SnapshotSending"/>,
/// <see cref="SnapshotReceiving"/>) that the follower puts together before its core sees the message.
/// </para>
/// <para>
/// Membership: a replica of a rejoining node (<see cref="ReplicationHost"/>) starts empty and outside the group; until
/// it is a voter it asks the group (<see cref="JoinGroup"/>) every <see cref="JoinAskTicks"/> ticks, and the leader
/// takes it in one change at a time (<see cref="JoinSteps"/>). The leader also carries out the placement
/// controller's moves (<see cref="MoveReplica"/>, <see cref="MoveSteps"/>): it has the new node start an empty
/// replica (<see cref="HostReplica"/>), adds it as a learner with its node in the change's context, promotes it once
/// caught up, then removes the old one. Changes take effect as they are applied; a replica that applies its own
/// removal deletes its journal and stops.
/// </para>
/// Expiry: the leader sweeps expired keys like a store does, their deletions proposed as writes nobody waits for.
/// </summary>
public sealed class ReplicaActor : ReceivePersistentActor
{
    // A joining replica's asks: often enough that each step of its admission follows the last quickly.
    private const int JoinAskTicks = 5;

    // The leader's expiry sweep, as a store's: every other tick (100 ms by default), at most this many keys a time.
    private const int SweepTicks = 2;
    private const int MaxExpirationsPerSweep = 1000;

    // How far behind the commit index a voter may be for the controller's leader balancing to hand it the leadership.
    private const ulong BalanceLeaderMaxLag = 100;

    // How long a chunked snapshot may wait for the follower to acknowledge a piece before the leader gives up on it.
    private static readonly TimeSpan SnapshotPatience = TimeSpan.FromSeconds(10);

    private readonly ReplicationSettings _settings;
    private readonly ulong _id;
    private readonly ReplicaOrigin _origin;
    private ReplicaBook _book;
    private readonly IActorRef _host;
    private readonly ReplicaStorage _storage;
    private readonly KvStateMachine _machine;
    private readonly StateCodec _codec;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Decided writes not yet proposed: the next entry (group commit).
    private readonly GroupCommitBuffer<IActorRef> _decided = new();
    private readonly ProposalsInFlight _proposed = new();
    private readonly PendingReads _reads = new();

    // Writes that reached a new leader before it applied its log: decided in order once it has.
    private readonly Queue<(IWriteCommand Command, IActorRef Caller)> _waitingForLog = new();

    private RaftNode _node = null!;
    private HardState _hardState;
    private ulong _applied;
    private ulong _recoveredLastIndex;
    private bool _readyScheduled;
    private bool _writing;

    // The latest snapshot in the snapshot store: its log index and journal sequence number.
    private ulong _snapshotIndex;
    private long _snapshotSequenceNr;
    // Saving, then deleting what it covers: one at a time (overlapping deletes of one stream can deadlock on PostgreSQL).
    private bool _snapshotInFlight;
    private ReplicaSnapshot? _saving;
    // A leader's snapshot was installed and lives only in a journal event: save it to the snapshot store, then that
    // event (as large as the state) can go.
    private bool _installedUnsaved;
    private int _snapshotsReceived;
    // Snapshots too large for one remoting frame, in pieces: those this leader sends, the one this replica receives.
    private readonly SnapshotSending _sending;
    private readonly SnapshotReceiving _receiving = new();

    private bool _leading;
    private ulong _leaderTerm;

    // The leader as last published (LeaderChanged), so only changes are published.
    private (ulong Term, ulong Lead) _published;
    private ulong _decideFrom;
    private ulong _lastProposedIndex;

    // For stats: when this replica started and how long it took to recover.
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly long _startedTimestamp = Stopwatch.GetTimestamp();
    private PartitionRecovery? _recovery;
    private readonly BackupSessions _backups;
    private int _ticksSinceJoinAsk;
    private int _ticksSinceSweep;

    // A replica this leader placed on a node for a move and has not yet seen in the membership: the same id is
    // proposed again rather than a new one each round.
    private (Address Node, ulong Id)? _placing;
    // Removed from the group: deleting its journal, then stopping.
    private bool _removed;
    private bool _deleting;
    // As last told to the host.
    private bool? _member;

    public ReplicaActor(ReplicationSettings settings, ReplicaBook book, ulong id, IActorRef host)
    {
        _settings = settings;
        _book = book;
        _id = id;
        _origin = ReplicaOrigins.Of(id);
        _host = host;
        _storage = new ReplicaStorage(_origin == ReplicaOrigin.Founding ? book.Founding.Founders : null);
        _machine = new KvStateMachine(settings.Limits);
        _codec = new StateCodec(Context.System);
        _backups = new BackupSessions(book.Partition, settings.Limits.ScanPageBytes);
        _sending = new SnapshotSending(book.Partition, settings.MaxEnvelopeBytes, SnapshotPatience);
        PersistenceId = PersistenceIdOf(book.Partition, id);

        Recover<SnapshotOffer>(offer =>
        {
            _storage.Restore((ReplicaSnapshot)offer.Snapshot);
            _snapshotSequenceNr = offer.Metadata.SequenceNr;
        });
        Recover<RaftLogWritten>(_storage.Write);
        Recover<RecoveryCompleted>(_ => Start());

        Command<Message>(OnRaftMessage);
        Command<RaftTick>(_ =>
        {
            if (_removed) return;
            _backups.DropIdle(Now);
            _node.Tick();
            foreach (var to in _sending.Expired(DateTimeOffset.UtcNow))
            {
                _log.Warning("Partition {0}: replica {1} stopped acknowledging the snapshot sent to it; it is sent again if still needed", Partition, to);
                _node.ReportSnapshot(to, failed: true);
            }

            AskToJoin();
            if (++_ticksSinceSweep >= SweepTicks) SweepExpired();
            AfterInput();
        });
        Command<ProcessReady>(_ =>
        {
            _readyScheduled = false;
            if (!_writing) HandleReady();
        });
        Command<GetReplicaState>(_ => Sender.Tell(State()));
        Command<GetReplicaStatus>(_ => Sender.Tell(new ReplicaStatus(Partition, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString(),
            (long)_id, RoleName(), (long)_node.Term, (long)_node.Lead, (long)_node.Committed, (long)_applied, (long)_node.LastIndex)));
        Command<HandOffLeadership>(_ => Sender.Tell(HandOff()));
        // Any replica, leading or not: its applied state, committed entries only, possibly behind the leader's.
        Command<StaleRead>(read => Sender.Tell(_machine.Query(read.Query, Now)));
        Command<SaveSnapshotSuccess>(OnSnapshotSaved);
        Command<SaveSnapshotFailure>(failure =>
        {
            _log.Warning(failure.Cause, "Partition {0}: snapshot at log index {1} failed; the journal still holds every event",
                Partition, _saving?.Raft.Metadata.Index);
            _saving = null;
            _snapshotInFlight = false;
        });
        Command<DeleteMessagesSuccess>(_ =>
        {
            if (_removed) StopRemoved();
            else OnCompacted();
        });
        Command<DeleteMessagesFailure>(failure =>
        {
            _log.Warning(failure.Cause, "Partition {0}: deleting journal events up to {1} failed; they stay until the next snapshot", Partition, failure.ToSequenceNr);
            if (_removed) StopRemoved();
            else OnCompacted();
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => _log.Warning(failure.Cause, "Partition {0}: deleting older snapshots failed", Partition));
        Command<JoinGroup>(OnJoinRequest);
        Command<MoveReplica>(OnMove);
        Command<BalanceLeader>(OnBalanceLeader);
        Command<ReplicaForgotten>(_ =>
        {
            // Removed, or dropped by the controller as not in the group: either way its data goes.
            _removed = true;
            _deleting = true;
            DeleteRemoved();
        });
        Command<GetReplicaView>(_ => Sender.Tell(View()));
        Command<SnapshotChunk>(OnSnapshotChunk);
        Command<SnapshotChunkAck>(OnSnapshotChunkAck);
        Command<IWriteCommand>(OnWrite);
        Command<IKvQuery>(OnQuery);
        Command<IKvRequest>(request =>
            Sender.Tell(new KvError(ErrorCode.UnsupportedRequest, $"a replica does not serve {request.GetType().Name}")));
    }

    public override string PersistenceId { get; }

    public static string PersistenceIdOf(int partition, ulong replicaId) => $"replica-p{partition}-r{replicaId}";

    /// <param name="book">The group's replicas and their nodes, as far as the host knows them; the replica learns more
    /// from its snapshot and log.</param>
    /// <param name="id">Its Raft id, which tells its origin (<see cref="ReplicaOrigins"/>).</param>
    public static Props Props(ReplicationSettings settings, ReplicaBook book, ulong id, IActorRef host) =>
        Akka.Actor.Props.Create(() => new ReplicaActor(settings, book, id, host));

    // The one clock read: the state machine is given the time, it never reads it.
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private int Partition => _book.Partition;

    private void Start()
    {
        var snapshot = _storage.Raft.Snapshot();
        if (snapshot.Data.Length > 0) LoadSnapshot(snapshot.Data);
        _applied = snapshot.Metadata.Index;
        _snapshotIndex = snapshot.Metadata.Index;
        _hardState = _storage.Raft.HardState;
        _recoveredLastIndex = _storage.Raft.LastIndex;
        _node = new RaftNode(new RaftConfig
        {
            Id = _id,
            Storage = _storage.Raft,
            Applied = _applied,
            ElectionTick = _settings.ElectionTicks,
            HeartbeatTick = _settings.HeartbeatTicks,
            MaxSizePerMessage = _settings.MaxAppendBytes,
            CheckQuorum = true,
            PreVote = true,
            RandomSeed = Random.Shared.Next(),
        });
        _recovery = new PartitionRecovery(Partition, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString(), _startedAt,
            Stopwatch.GetElapsedTime(_startedTimestamp));
        _log.Info("Replica {0} of partition {1} recovered: snapshot at {2}, log up to {3}, term {4}, committed {5}",
            _id, Partition, _snapshotIndex, _recoveredLastIndex, _hardState.Term, _hardState.Commit);
        _host.Tell(new ReplicaBookChanged(_book));
        ReportMembership();
        _host.Tell(new ReplicaStarted(Partition));
        MaybeScheduleReady();
    }

    private void OnRaftMessage(Message message)
    {
        if (message.To != _id || _removed) return;
        _node.Step(message);
        AfterInput();
    }

    private void AskToJoin()
    {
        if (_origin != ReplicaOrigin.Rejoining || _node.ConfState.Voters.Contains(_id) || ++_ticksSinceJoinAsk < JoinAskTicks) return;
        _ticksSinceJoinAsk = 0;
        _host.Tell(new JoinGroup(Partition, _id));
    }

    private void OnJoinRequest(JoinGroup join)
    {
        // Only a rejoining node's replica asks; a placed one is added by the leader that placed it.
        if (!_leading || join.ReplicaId == _id || ReplicaOrigins.Of(join.ReplicaId) != ReplicaOrigin.Rejoining) return;
        var match = _node.Status().Progress.TryGetValue(join.ReplicaId, out var progress) ? progress.Match : 0;
        if (JoinSteps.Next(_node.ConfState, join.ReplicaId, match, _node.Committed) is not { } change) return;
        // Refused while an earlier change is not yet applied: the replica asks again.
        if (!_node.ProposeConfChange(change)) return;
        _log.Info("Partition {0}: proposed {1} of replica {2} (membership now {3})", Partition, change.Type, change.NodeId, _node.ConfState);
        MaybeScheduleReady();
    }

    private void OnMove(MoveReplica move)
    {
        if (!_leading || _removed) return;
        var members = _node.ConfState;
        ulong to = 0;
        ulong match = 0;
        if (move.To is { } node)
        {
            // Only a replica placed by a move counts as the new one (never a founding or rejoining replica on that node,
            // which may be a dead one: taking it for the new replica would remove a live voter for nothing).
            to = members.Voters.Concat(members.Learners)
                .FirstOrDefault(id => id != move.From && ReplicaOrigins.Of(id) == ReplicaOrigin.Placed && _book.NodeOf(id) == node);
            if (to == 0) to = _placing is { } placing && placing.Node == node ? placing.Id : NewReplicaId();
            _placing = (node, to);
            match = _node.Status().Progress.TryGetValue(to, out var progress) ? progress.Match : 0;
            // Started there before it is added, and again while it has nothing: the word may have been lost with a
            // restart of that node (it ignores an id it already runs).
            if (match == 0) _host.Tell(new PlaceReplica(node, new HostReplica(Partition, to, _book.Placed.SetItem(to, node))));
        }

        switch (MoveSteps.Next(members, _id, move.From, to, match, _node.Committed))
        {
            case MoveStep.Propose { Change: var change }:
                if (change.Type == ConfChangeType.AddLearner) change = change with { Context = System.Text.Encoding.UTF8.GetBytes(move.To!.ToString()) };
                // Refused while an earlier change is not yet applied: the controller asks again.
                if (!_node.ProposeConfChange(change)) return;
                _log.Info("Partition {0}: proposed {1} of replica {2} for a move ({3}); membership now {4}", Partition, change.Type, change.NodeId, move.Why, members);
                MaybeScheduleReady();
                break;
            case MoveStep.HandOffLeadership:
                _log.Info("Partition {0}: handing off the leadership before this replica moves ({1})", Partition, move.Why);
                HandOff();
                break;
        }
    }

    private void OnBalanceLeader(BalanceLeader balance)
    {
        if (!_leading || _removed || balance.To == _id) return;
        // Only to an active voter close behind: writes stop while the target catches up for the transfer.
        if (!_node.Status().Progress.TryGetValue(balance.To, out var progress) || progress.IsLearner || !progress.RecentActive ||
            progress.Match + BalanceLeaderMaxLag < _node.Committed) return;
        _log.Info("Partition {0}: handing the leadership to replica {1} ({2})", Partition, balance.To, balance.Why);
        _node.TransferLeadership(balance.To);
        AfterInput();
    }

    // Above every id the group has known (ids are never reused) and above the clock's milliseconds, in slot 0, which
    // no founding node has: its node is only ever found through the book.
    private ulong NewReplicaId()
    {
        var stride = ReplicaGroup.IncarnationStride;
        var highest = _book.KnownIds.Concat(_node.ConfState.Voters).Concat(_node.ConfState.Learners).DefaultIfEmpty(0UL).Max() / stride;
        var fromClock = (ulong)Math.Max(1, (DateTimeOffset.UtcNow - Joining.IncarnationChoice.ClockOrigin).TotalMilliseconds);
        return stride * Math.Max(highest + 1, fromClock);
    }

    private void OnWrite(IWriteCommand command)
    {
        if (!_leading)
        {
            Sender.Tell(NotLeaderReply());
            return;
        }

        if (_waitingForLog.Count > 0 || _applied < _decideFrom) _waitingForLog.Enqueue((command, Sender));
        else Decide(command, Sender);
    }

    private void OnQuery(IKvQuery query)
    {
        if (!_leading)
        {
            Sender.Tell(NotLeaderReply());
            return;
        }

        _reads.Add(new PendingReads.PendingRead(Sender, query, null, 0));
        MaybeScheduleReady();
    }

    // Expired keys are already invisible to reads; their deletion goes through the log like any write (decided by the
    // leader on its clock, applied by every replica), so memory and snapshots do not keep them. Nobody waits for it.
    private void SweepExpired()
    {
        _ticksSinceSweep = 0;
        if (!_leading || _removed || _waitingForLog.Count > 0 || _applied < _decideFrom) return;
        var expirations = _machine.DecideExpirations(Now, MaxExpirationsPerSweep);
        if (expirations.Count == 0) return;
        _machine.Accept(expirations);
        _decided.Add(expirations, null, null);
    }

    // Against applied state plus our own proposals, which is the whole log: see _decideFrom.
    private void Decide(IWriteCommand command, IActorRef caller)
    {
        var decision = _machine.Decide(command, Now);
        if (decision.Events.Count > 0)
        {
            _machine.Accept(decision.Events);
            _decided.Add(decision.Events, caller, decision.Reply);
        }
        else if (!_decided.IsEmpty)
        {
            // Decided against writes not yet proposed: it leaves with them.
            _decided.Add([], caller, decision.Reply);
        }
        else
        {
            // Nothing to write, but the answer read our state: a deposed leader must not give it, so it waits for a
            // ReadIndex round and for our own proposals it was decided against.
            _reads.Add(new PendingReads.PendingRead(caller, null, decision.Reply, _lastProposedIndex));
        }

        MaybeScheduleReady();
    }

    private void AfterInput()
    {
        ObserveLeadership();
        MaybeScheduleReady();
    }

    // Readys are handled once the mailbox holds no more input, so everything that arrived meanwhile shares one write.
    private void MaybeScheduleReady()
    {
        if (_readyScheduled || _writing) return;
        if (!_node.HasReady && _decided.IsEmpty && !_reads.HasUnsent) return;
        _readyScheduled = true;
        Self.Tell(ProcessReady.Instance);
    }

    private void HandleReady()
    {
        ProposeDecided();
        if (_leading && _reads.HasUnsent) _node.ReadIndex(_reads.SendUnsent());
        if (!_node.HasReady) return;

        var ready = _node.Ready();
        if (ready.HardState is { } hardState) _hardState = hardState;
        Send(ready.Messages);
        foreach (var readState in ready.ReadStates) _reads.OnReadState(readState);
        if (ready.Snapshot is { } snapshot) InstallSnapshot(snapshot);
        Apply(ready.CommittedEntries);

        // A commit index alone need not be durable (a restarted replica learns it again from its leader); a term, a vote
        // or entries must. So must a commit that takes in a membership change: a restarted replica applies changes only
        // up to its durable commit, and with the old membership the live replicas may be too few to elect the leader
        // that would tell it more.
        if (ready.Entries.Count > 0 || ready.Snapshot is not null || ready.MustSync || ready.CommittedEntries.Any(e => e.Type == EntryType.ConfChange))
        {
            _writing = true;
            PersistAsync(new RaftLogWritten(ready.Entries, _hardState, ready.Snapshot), written =>
            {
                _storage.Write(written);
                Finish(ready);
            });
        }
        else
        {
            Finish(ready);
        }
    }

    private void Finish(Ready ready)
    {
        Send(ready.MessagesAfterPersist);
        _node.Advance();
        _writing = false;
        ReportMembership();
        if (_removed)
        {
            // The host records that this replica is gone before it deletes anything (ForgetRemoved): deleted first, a
            // crash would bring it back empty, and a founding replica as a voter with no memory of its votes.
            if (!_deleting) _host.Tell(new ReplicaRemoved(Partition, _id));
            _deleting = true;
            return;
        }

        MaybeSnapshot();
        AfterInput();
    }

    // Out of the group for good (a committed removal), and recorded so by the host: its log and state are other
    // replicas' business now.
    private void DeleteRemoved()
    {
        _log.Info("Replica {0} of partition {1} was removed from its group (membership now {2}): deleting its journal and stopping", _id, Partition, _node.ConfState);
        AbandonPending("this replica was removed from the group");
        DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue));
        DeleteMessages(long.MaxValue);
    }

    private void StopRemoved() => Context.Stop(Self);

    private void ReportMembership()
    {
        var member = _node.ConfState.Contains(_id);
        if (_member == member) return;
        _member = member;
        _host.Tell(new ReplicaMembership(Partition, member));
    }

    private void ProposeDecided()
    {
        while (_leading && !_decided.IsEmpty)
        {
            var (changes, replies) = _decided.TakeGroup(_settings.MaxProposalBytes);
            if (changes.Count == 0)
            {
                foreach (var (caller, reply) in replies) _reads.Add(new PendingReads.PendingRead(caller, null, reply, _lastProposedIndex));
                continue;
            }

            if (!_node.Propose(_codec.EncodeChanges(changes)))
            {
                // Refused (a leadership transfer under way): nothing of this group is in the log.
                foreach (var (caller, _) in replies) caller.Tell(NotLeaderReply());
                AbandonPending("the leader refused a proposal");
                return;
            }

            _lastProposedIndex = _node.LastIndex;
            _proposed.Add(_lastProposedIndex, _node.Term, replies);
        }
    }

    private void Apply(IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Index <= _applied) continue;
            if (entry.Type == EntryType.Normal && entry.Data.Length > 0)
            {
                foreach (var change in _codec.DecodeChanges(entry.Data)) _machine.ApplyEvent(change);
            }
            else if (entry.Type == EntryType.ConfChange)
            {
                var change = ConfChange.Decode(entry.Data);
                _log.Info("Partition {0}: {1} of replica {2} committed at {3}; in effect here once applied", Partition, change.Type, change.NodeId, entry.Index);
                if (change.Context is { Length: > 0 } context) Learn(change.NodeId, Address.Parse(System.Text.Encoding.UTF8.GetString(context)));
                // The core ignores the removal of a group's last voter: so does the replica.
                if (change.Type == ConfChangeType.RemoveNode && change.NodeId == _id && _node.ConfState.Voters.Count > 1) _removed = true;
            }

            _applied = entry.Index;
            if (_proposed.TakeApplied(entry.Index, entry.Term) is { } done)
            {
                foreach (var (caller, reply) in done.Replies) caller.Tell(done.Ours ? reply : NotLeaderReply());
            }
        }

        foreach (var read in _reads.TakeReady(_applied)) read.Caller.Tell(read.Decided ?? Answer(read.Query!));
        DecideWaitingWrites();
    }

    private void InstallSnapshot(Snapshot snapshot)
    {
        LoadSnapshot(snapshot.Data);
        _applied = snapshot.Metadata.Index;
        _installedUnsaved = true;
        _snapshotsReceived++;
        _log.Info("Replica {0} of partition {1} installed the leader's snapshot at {2} (term {3})", _id, Partition, _applied, snapshot.Metadata.Term);
    }

    private void LoadSnapshot(byte[] data)
    {
        var (state, placed) = _codec.DecodeSnapshot(data);
        _machine.LoadSnapshot(state);
        foreach (var (id, node) in placed) Learn(id, node);
    }

    // A replica's node, from a committed membership change or a snapshot: the host routes by it too.
    private void Learn(ulong replicaId, Address node)
    {
        var book = _book.With(replicaId, node);
        if (ReferenceEquals(book, _book)) return;
        _book = book;
        _host.Tell(new ReplicaBookChanged(_book));
    }

    // Between Readys only (not while a write is in flight): then the journal up to LastSequenceNr, the storage and
    // the applied state agree, and the snapshot can stand for all of it.
    private void MaybeSnapshot()
    {
        if (_writing || _snapshotInFlight || _removed) return;
        if (!_installedUnsaved && _applied < _snapshotIndex + (ulong)_settings.SnapshotEvery) return;
        // Nothing journalled since the last snapshot: it would carry the same sequence number. The next event will.
        if (LastSequenceNr <= _snapshotSequenceNr) return;
        var raft = _storage.Raft;
        if (_applied < raft.FirstIndex - 1 || _applied > raft.LastIndex)
        {
            _log.Warning("Partition {0}: no snapshot at applied index {1}, outside the stored log [{2}, {3}]", Partition, _applied, raft.FirstIndex - 1, raft.LastIndex);
            return;
        }

        // The tail (written, not yet applied) goes with it, so every event up to LastSequenceNr can be deleted.
        var tail = _applied < raft.LastIndex ? raft.Entries(_applied + 1, raft.LastIndex + 1, long.MaxValue) : [];
        var metadata = new RaftSnapshotMetadata(_applied, raft.Term(_applied), _node.ConfState);
        _saving = new ReplicaSnapshot(new Snapshot(metadata, _codec.EncodeSnapshot(_machine.ToSnapshot(), _book.Placed)), _hardState, tail);
        _snapshotInFlight = true;
        _installedUnsaved = false;
        SaveSnapshot(_saving);
    }

    private void OnSnapshotSaved(SaveSnapshotSuccess success)
    {
        var saved = _saving ?? throw new InvalidOperationException("a snapshot saved that this replica did not take");
        _saving = null;
        var metadata = saved.Raft.Metadata;
        _snapshotIndex = Math.Max(_snapshotIndex, metadata.Index);
        _snapshotSequenceNr = success.Metadata.SequenceNr;

        // The core's storage now serves this snapshot to followers that need it, and forgets the log behind it but for
        // some slack. A leader's snapshot installed meanwhile is newer: keep that one.
        var raft = _storage.Raft;
        if (raft.CreateSnapshot(metadata.Index, metadata.ConfState, saved.Raft.Data).Metadata.Index == metadata.Index)
        {
            var slack = (ulong)_settings.SnapshotCatchUpEntries;
            if (metadata.Index > slack && metadata.Index - slack > raft.FirstIndex - 1) raft.Compact(metadata.Index - slack);
        }

        _log.Debug("Partition {0}: snapshot at log index {1} saved (sequence {2}); log from {3} kept in memory",
            Partition, metadata.Index, success.Metadata.SequenceNr, raft.FirstIndex);
        DeleteMessages(success.Metadata.SequenceNr);
        DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
    }

    private void OnCompacted()
    {
        _snapshotInFlight = false;
        MaybeSnapshot(); // applied past the interval while this one was saved and compacted
    }

    private void DecideWaitingWrites()
    {
        if (!_leading || _applied < _decideFrom) return;
        while (_waitingForLog.TryDequeue(out var waiting)) Decide(waiting.Command, waiting.Caller);
    }

    private void ObserveLeadership()
    {
        if (_published != (_node.Term, _node.Lead))
        {
            _published = (_node.Term, _node.Lead);
            Context.System.EventStream.Publish(new LeaderChanged(Partition, _node.Term, _node.Lead == 0 ? null : _book.NodeOf(_node.Lead)));
        }

        var leading = _node.Role == RaftRole.Leader;
        if (_leading && (!leading || _node.Term != _leaderTerm))
        {
            _leading = false;
            _sending.Clear();
            _log.Info("Replica {0} of partition {1} is no longer leader (term {2}, leader now {3})", _id, Partition, _node.Term, _node.Lead);
            AbandonPending("leadership lost");
        }

        if (!_leading && leading)
        {
            _leading = true;
            _leaderTerm = _node.Term;
            // The log as elected, ending with this term's no-op: other leaders' entries in it may still commit, so
            // decisions wait until it is applied and the state machine holds all of it.
            _decideFrom = _node.LastIndex;
            _log.Info("Replica {0} of partition {1} leads in term {2}; takes writes once applied to {3}", _id, Partition, _node.Term, _decideFrom);
        }
    }

    // Everything decided but not yet committed is forgotten by the state machine; the callers learn what became of
    // their requests. A leader that stays leader decides again only once its log, with whatever it proposed, is
    // applied.
    private void AbandonPending(string why)
    {
        var lost = _proposed.Drain();
        var notApplied = _decided.Drain().Concat(_waitingForLog.Select(w => w.Caller)).Concat(_reads.Drain()).ToList();
        _waitingForLog.Clear();
        _machine.DiscardPending();
        _lastProposedIndex = 0;
        _decideFrom = _node.LastIndex;
        if (lost.Count + notApplied.Count > 0)
            _log.Info("Partition {0}: {1}; {2} proposed writes of unknown outcome, {3} requests not applied", Partition, why, lost.Count, notApplied.Count);
        foreach (var caller in lost) caller.Tell(ReplicaErrors.LeadershipLost(Partition));
        var notLeader = NotLeaderReply();
        foreach (var caller in notApplied) caller.Tell(notLeader);
    }

    // A linearizable read's answer, once the leader's ReadIndex round confirmed it still leads.
    private IKvReply Answer(IKvQuery query) => query switch
    {
        GetStats => new StoreStats(_machine.Count, _machine.Revision, LastSequenceNr, _snapshotSequenceNr, _settings.DataDirectory,
            DateTimeOffset.UtcNow - _startedAt)
        {
            Node = _recovery!.Node,
            Recoveries = [_recovery],
        },
        ReadBackup backup => _backups.Read(backup, _machine.ToSnapshot, Now),
        _ => _machine.Query(query, Now),
    };

    // Whether this replica still leads after starting (or continuing) a transfer to its most up-to-date follower.
    private bool HandOff()
    {
        if (!_leading) return false;
        var target = _node.Status().Progress
            .Where(p => p.Key != _id && !p.Value.IsLearner)
            .OrderByDescending(p => p.Value.RecentActive)
            .ThenByDescending(p => p.Value.Match)
            .Select(p => p.Key)
            .FirstOrDefault();
        if (target != 0)
        {
            _node.TransferLeadership(target);
            AfterInput();
        }

        return true;
    }

    private NotLeader NotLeaderReply()
    {
        var lead = _node.Lead == _id ? 0 : _node.Lead;
        return new NotLeader(Partition, lead, lead == 0 ? null : _book.NodeOf(lead)?.ToString());
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        if (messages.Count == 0) return;
        if (!messages.Any(TooLarge))
        {
            _host.Tell(new OutgoingRaftMessages(Partition, messages));
            return;
        }

        var sendable = messages.Where(m => !TooLarge(m)).ToArray();
        if (sendable.Length > 0) _host.Tell(new OutgoingRaftMessages(Partition, sendable));
        foreach (var large in messages.Where(TooLarge))
        {
            _log.Info("Partition {0}: sending replica {1} the snapshot at {2} ({3} bytes) in pieces", Partition, large.To,
                large.Snapshot!.Metadata.Index, large.Snapshot.Data.Length);
            _host.Tell(_sending.Start(large, DateTimeOffset.UtcNow));
        }
    }

    // Remoting drops a frame this large without a word: such a snapshot goes in pieces.
    private bool TooLarge(Message message) => message.Snapshot is { } snapshot && snapshot.Data.Length > _settings.MaxSnapshotBytes;

    private void OnSnapshotChunk(SnapshotChunk chunk)
    {
        if (chunk.Header.To != _id) return;
        var (ack, complete) = _receiving.Take(chunk);
        if (ack is not null) _host.Tell(ack);
        if (complete is null) return;
        _log.Info("Partition {0}: received the snapshot at {1} ({2} bytes) from replica {3}", Partition,
            complete.Snapshot!.Metadata.Index, complete.Snapshot.Data.Length, complete.From);
        OnRaftMessage(complete);
    }

    private void OnSnapshotChunkAck(SnapshotChunkAck ack)
    {
        if (ack.To != _id) return;
        if (_sending.OnAck(ack, DateTimeOffset.UtcNow, out var finished) is { } next) _host.Tell(next);
        if (!finished) return;
        _node.ReportSnapshot(ack.From, failed: false);
        AfterInput();
    }

    // A replica outside the voters says so: a learner catches up, a joining replica waits to be added.
    private string RoleName() => _node.Role switch
    {
        RaftRole.Leader => ReplicaStatus.Leader,
        RaftRole.Candidate => "candidate",
        RaftRole.PreCandidate => "pre-candidate",
        _ when _node.ConfState.Learners.Contains(_id) => ReplicaStatus.Learner,
        _ when !_node.ConfState.Voters.Contains(_id) => ReplicaStatus.Joining,
        _ => "follower",
    };

    private ReplicaView View() => new(Partition, _id, _leading, _node.Term, _node.ConfState,
        _node.ConfState.Voters.Concat(_node.ConfState.Learners).Select(id => (Id: id, Node: _book.NodeOf(id)))
            .Where(m => m.Node is not null).ToDictionary(m => m.Id, m => m.Node!));

    private ReplicaState State() => new(
        Partition, _id, _node.Role, _node.Term, _node.Lead, _node.Committed, _applied, _node.LastIndex,
        _storage.Raft.LastIndex, _recoveredLastIndex, _machine.Revision)
    {
        FirstIndex = _storage.Raft.FirstIndex,
        SnapshotIndex = _snapshotIndex,
        SnapshotsReceived = _snapshotsReceived,
        Members = _node.ConfState,
    };

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        // The log in memory is now ahead of the journal: start again from the journal rather than guess.
        _log.Error(cause, "Journal rejected the log write at sequence {0} of partition {1}; the replica restarts from its journal", sequenceNr, Partition);
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        if (_node is not null)
        {
            foreach (var caller in _proposed.Drain()) caller.Tell(ReplicaErrors.Stopped(Partition));
            var notApplied = _decided.Drain().Concat(_waitingForLog.Select(w => w.Caller)).Concat(_reads.Drain());
            foreach (var caller in notApplied) caller.Tell(ReplicaErrors.Stopped(Partition));
        }

        base.PostStop();
    }

    private sealed class ProcessReady
    {
        public static readonly ProcessReady Instance = new();
    }
}
