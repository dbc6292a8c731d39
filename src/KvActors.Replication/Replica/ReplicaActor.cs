using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using KvActors.Journal;
using KvActors.Protocol;
using KvActors.Raft;
using KvActors.Replication.Transport;
using KvActors.Server.Commit;
using KvActors.Server.State;

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
/// Reads: linearizable on the leader through ReadIndex; <see cref="ReadLocal"/> reads any replica's applied state.
/// Anyone else is told who leads (<see cref="NotLeader"/>).
/// </para>
/// Not yet: snapshots of the applied state and log compaction (the journal grows, and recovery replays the whole
/// log), membership changes, the expiry sweep.
/// </summary>
public sealed class ReplicaActor : ReceivePersistentActor
{
    private readonly ReplicationSettings _settings;
    private readonly ReplicaGroup _group;
    private readonly ulong _id;
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

    private bool _leading;
    private ulong _leaderTerm;
    private ulong _decideFrom;
    private ulong _lastProposedIndex;

    public ReplicaActor(ReplicationSettings settings, ReplicaGroup group, ulong id, IActorRef host)
    {
        _settings = settings;
        _group = group;
        _id = id;
        _host = host;
        _storage = new ReplicaStorage(group.Founders);
        _machine = new KvStateMachine(settings.Limits);
        _codec = new StateCodec(Context.System);
        PersistenceId = PersistenceIdOf(group.Partition, id);

        Recover<RaftLogWritten>(_storage.Write);
        Recover<RecoveryCompleted>(_ => Start());

        Command<Message>(OnRaftMessage);
        Command<RaftTick>(_ =>
        {
            _node.Tick();
            AfterInput();
        });
        Command<ProcessReady>(_ =>
        {
            _readyScheduled = false;
            if (!_writing) HandleReady();
        });
        Command<GetReplicaState>(_ => Sender.Tell(State()));
        Command<ReadLocal>(read => Sender.Tell(_machine.Query(read.Query, Now)));
        Command<IWriteCommand>(OnWrite);
        Command<IKvQuery>(OnQuery);
        Command<IKvRequest>(request =>
            Sender.Tell(new KvError(ErrorCode.UnsupportedRequest, $"a replica does not serve {request.GetType().Name}")));
    }

    public override string PersistenceId { get; }

    public static string PersistenceIdOf(int partition, ulong replicaId) => $"replica-p{partition}-r{replicaId}";

    public static Props Props(ReplicationSettings settings, ReplicaGroup group, ulong id, IActorRef host) =>
        Akka.Actor.Props.Create(() => new ReplicaActor(settings, group, id, host));

    // The one clock read: the state machine is given the time, it never reads it.
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private int Partition => _group.Partition;

    private void Start()
    {
        var snapshot = _storage.Raft.Snapshot();
        if (snapshot.Data.Length > 0) _machine.LoadSnapshot(_codec.DecodeSnapshot(snapshot.Data));
        _applied = snapshot.Metadata.Index;
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
        _log.Info("Replica {0} of partition {1} recovered: log up to {2}, term {3}, committed {4}",
            _id, Partition, _recoveredLastIndex, _hardState.Term, _hardState.Commit);
        _host.Tell(new ReplicaStarted(Partition));
        MaybeScheduleReady();
    }

    private void OnRaftMessage(Message message)
    {
        if (message.To != _id) return;
        _node.Step(message);
        AfterInput();
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

        // A commit index alone need not be durable (a restarted replica learns it again); a term, a vote or entries must.
        if (ready.Entries.Count > 0 || ready.Snapshot is not null || ready.MustSync)
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
        AfterInput();
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

            _applied = entry.Index;
            if (_proposed.TakeApplied(entry.Index, entry.Term) is { } done)
            {
                foreach (var (caller, reply) in done.Replies) caller.Tell(done.Ours ? reply : NotLeaderReply());
            }
        }

        foreach (var read in _reads.TakeReady(_applied)) read.Caller.Tell(read.Decided ?? _machine.Query(read.Query!, Now));
        DecideWaitingWrites();
    }

    private void InstallSnapshot(Snapshot snapshot)
    {
        _machine.LoadSnapshot(snapshot.Data.Length > 0 ? _codec.DecodeSnapshot(snapshot.Data) : new StoreSnapshot(0, []));
        _applied = snapshot.Metadata.Index;
    }

    private void DecideWaitingWrites()
    {
        if (!_leading || _applied < _decideFrom) return;
        while (_waitingForLog.TryDequeue(out var waiting)) Decide(waiting.Command, waiting.Caller);
    }

    private void ObserveLeadership()
    {
        var leading = _node.Role == RaftRole.Leader;
        if (_leading && (!leading || _node.Term != _leaderTerm))
        {
            _leading = false;
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

    private NotLeader NotLeaderReply()
    {
        var lead = _node.Lead == _id ? 0 : _node.Lead;
        return new NotLeader(Partition, lead, lead == 0 ? null : _group.NodeOf(lead)?.ToString());
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        if (messages.Count > 0) _host.Tell(new OutgoingRaftMessages(Partition, messages));
    }

    private ReplicaState State() => new(
        Partition, _id, _node.Role, _node.Term, _node.Lead, _node.Committed, _applied, _node.LastIndex,
        _storage.Raft.LastIndex, _recoveredLastIndex, _machine.Revision);

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
