using Akka.Actor;
using Akka.Event;
using KvActors.Protocol;
using KvActors.Raft;
using KvActors.Replication.Joining;
using KvActors.Replication.Placement;
using KvActors.Replication.Replica;
using KvActors.Replication.Transport;
using KvActors.Server.Partitioning;

namespace KvActors.Replication;

/// <summary>
/// The node-level actor of replication, at <c>/user/replication</c> on every node: it hosts this node's replica of
/// each group it belongs to, ticks them all from one timer (not one timer per group, so idle groups cost little),
/// and carries their Raft traffic: what its replicas send is batched per destination node and flushed as one
/// <see cref="RaftEnvelope"/> per node once the mailbox holds no more, and envelopes from other nodes are handed to
/// the replicas they name. Requests reach a replica wrapped in a <see cref="PartitionEnvelope"/>.
/// A replica that stops (its journal failed) is started again after a pause; it recovers from its journal.
/// <para>
/// Before its first replica starts, a node knows which incarnation of its replicas its data directory holds
/// (<see cref="NodeIncarnation"/>). A directory without one is new or was emptied: the node asks every other node
/// (<see cref="GetBootstrapState"/>) until it can tell whether to found the groups or to rejoin them under new ids
/// (<see cref="IncarnationChoice"/>), records the answer, and only then starts its replicas. A rejoining replica
/// starts empty and asks its group's leader to take it in (<see cref="JoinGroup"/>).
/// </para>
/// <para>
/// Which replicas the node runs is recorded in <see cref="HostedReplicas"/>: at first the founding placement's, then
/// as the placement controller moves replicas, one a leader places here (<see cref="HostReplica"/>) is added and one
/// its group removed (<see cref="ReplicaRemoved"/>) is dropped. The host routes each group's messages by the group's
/// <see cref="ReplicaBook"/>, which its replicas keep up to date, and answers the controller what its replicas see
/// (<see cref="GetPlacementView"/>).
/// </para>
/// </summary>
public sealed class ReplicationHost : ReceiveActor, IWithTimers
{
    public const string Name = "replication";

    private static readonly TimeSpan RestartAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan HandOffAskTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AskPeersEvery = TimeSpan.FromMilliseconds(250);
    private const int AsksBetweenWarnings = 40;
    private static readonly TimeSpan StateAskTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StartingPatience = TimeSpan.FromSeconds(30);

    private readonly ReplicationSettings _settings;
    private readonly Dictionary<int, ReplicaGroup> _groups;
    private readonly Dictionary<int, ReplicaBook> _books;
    private readonly Dictionary<int, ulong> _hosted = [];
    private readonly Dictionary<int, IActorRef> _replicas = [];
    // Partitions whose replica here is a member of its group, as it has applied the membership.
    private readonly HashSet<int> _members = [];
    private readonly HashSet<IActorRef> _started = [];
    private readonly OutboundBatches _outbound;
    private readonly Dictionary<Address, ActorSelection> _hostsByNode = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Address _self;
    private bool _flushScheduled;
    private bool _draining;
    private DateTimeOffset _replicasStartedAt;
    // Nodes the cluster removed: nothing is sent there until a new process at the address joins or speaks Raft to us.
    private readonly HashSet<Address> _removedNodes = [];
    // Members the cluster has reported joining or up (this node may not know them from the founding list).
    private readonly HashSet<Address> _joinedNodes = [];

    // Null until this node knows which incarnation of its replicas it runs; meanwhile it asks its peers.
    private long? _incarnation;
    private readonly Dictionary<Address, BootstrapState> _peerStates = [];
    private int _asks;

    public ReplicationHost(ReplicationSettings settings, IReadOnlyList<ReplicaGroup> groups)
    {
        _settings = settings;
        _groups = groups.ToDictionary(g => g.Partition);
        _books = groups.ToDictionary(g => g.Partition, g => new ReplicaBook(g));
        _outbound = new OutboundBatches(settings.MaxEnvelopeBytes);
        _self = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;

        Receive<RaftTick>(_ =>
        {
            foreach (var replica in _started) replica.Tell(RaftTick.Instance);
        });
        Receive<OutgoingRaftMessages>(OnOutgoing);
        Receive<Flush>(_ => OnFlush());
        Receive<RaftEnvelope>(envelope =>
        {
            HeardFrom(Sender.Path.Address);
            foreach (var message in envelope.Messages) Deliver(message.Partition, message.Message);
        });
        Receive<ReplicaStarted>(started =>
        {
            if (_replicas.TryGetValue(started.Partition, out var replica) && replica.Equals(Sender)) _started.Add(replica);
        });
        Receive<PartitionEnvelope>(envelope =>
        {
            if (_replicas.TryGetValue(envelope.Partition, out var replica)) replica.Forward(envelope.Request);
            else Sender.Tell(new KvError(ErrorCode.Unavailable, $"no replica of partition {envelope.Partition} runs on {_self}; not applied"));
        });
        Receive<GetReplicaState>(get =>
        {
            if (_replicas.TryGetValue(get.Partition, out var replica)) replica.Forward(get);
            else Sender.Tell(new Status.Failure(new InvalidOperationException($"no replica of partition {get.Partition} on {_self}")));
        });
        Receive<HandOffLeadership>(handOff =>
        {
            var asks = _started.Select(r => r.Ask<bool>(handOff, HandOffAskTimeout)).ToArray();
            Task.WhenAll(asks).ContinueWith(t => new LeadersRemaining(t.IsCompletedSuccessfully ? t.Result.Count(leading => leading) : asks.Length))
                .PipeTo(Sender, Self);
        });
        Receive<Terminated>(terminated =>
        {
            var stopped = _replicas.Where(r => r.Value.Equals(terminated.ActorRef)).Select(r => (int?)r.Key).FirstOrDefault();
            if (stopped is not { } partition) return;
            _replicas.Remove(partition);
            _started.Remove(terminated.ActorRef);
            _log.Warning("Replica of partition {0} stopped; starting it again in {1} unless its group removed it", partition, RestartAfter);
            Timers.StartSingleTimer(("restart", partition), new RestartReplica(partition), RestartAfter);
        });
        Receive<RestartReplica>(restart =>
        {
            if (!_replicas.ContainsKey(restart.Partition) && _hosted.TryGetValue(restart.Partition, out var id)) StartReplica(restart.Partition, id);
        });
        Receive<ReplicaRemoved>(removed =>
        {
            if (!_hosted.TryGetValue(removed.Partition, out var id) || id != removed.ReplicaId) return;
            // Recorded before the replica deletes anything: a crash meanwhile must not bring it back.
            _hosted.Remove(removed.Partition);
            HostedReplicas.Save(_settings.DataDirectory, _hosted);
            _members.Remove(removed.Partition);
            if (_replicas.Remove(removed.Partition, out var replica))
            {
                Context.Unwatch(replica);
                _started.Remove(replica);
                replica.Tell(ReplicaForgotten.Instance);
            }

            _log.Info("Replica {0} of partition {1} left this node: its group removed it", removed.ReplicaId, removed.Partition);
        });
        Receive<ReplicaMembership>(membership =>
        {
            if (!_replicas.TryGetValue(membership.Partition, out var replica) || !replica.Equals(Sender)) return;
            if (membership.Member) _members.Add(membership.Partition);
            else _members.Remove(membership.Partition);
        });
        Receive<ReplicaBookChanged>(changed =>
        {
            if (_books.TryGetValue(changed.Book.Partition, out var book)) _books[changed.Book.Partition] = book.Merge(changed.Book.Placed);
        });
        Receive<HostReplica>(OnHostReplica);
        Receive<DropReplica>(drop =>
        {
            if (!_hosted.TryGetValue(drop.Partition, out var id) || id != drop.ReplicaId) return;
            _log.Warning("Replica {0} of partition {1} here is not in its group (removed while this node was away, or never added): " +
                "deleting it", drop.ReplicaId, drop.Partition);
            _hosted.Remove(drop.Partition);
            HostedReplicas.Save(_settings.DataDirectory, _hosted);
            _members.Remove(drop.Partition);
            if (!_replicas.Remove(drop.Partition, out var replica)) return;
            Context.Unwatch(replica);
            _started.Remove(replica);
            replica.Tell(ReplicaForgotten.Instance);
        });
        Receive<PlaceReplica>(place =>
        {
            if (place.Node == _self) OnHostReplica(place.Host);
            else TellHost(place.Node, place.Host);
        });
        Receive<MoveReplica>(move =>
        {
            if (_replicas.TryGetValue(move.Partition, out var replica)) replica.Tell(move);
        });
        Receive<BalanceLeader>(balance =>
        {
            if (_replicas.TryGetValue(balance.Partition, out var replica)) replica.Tell(balance);
        });
        Receive<GetPlacementView>(_ => AnswerPlacementView());
        Receive<DrainNode>(_ =>
        {
            if (!_draining) _log.Warning("This node leaves the cluster for good: its replicas are to move to other nodes");
            _draining = true;
            Sender.Tell(Akka.Done.Instance);
        });
        // A chunked snapshot and its acknowledgements, one piece at a time: to the node of the replica they name.
        Receive<SnapshotChunk>(chunk =>
        {
            HeardFrom(Sender.Path.Address);
            Route(chunk.Partition, chunk.Header.To, chunk);
        });
        Receive<SnapshotChunkAck>(ack =>
        {
            HeardFrom(Sender.Path.Address);
            Route(ack.Partition, ack.To, ack);
        });
        Receive<NodeRemoved>(removed =>
        {
            if (removed.Node == _self) return;
            _removedNodes.Add(removed.Node);
            _joinedNodes.Remove(removed.Node);
        });
        Receive<NodeJoined>(joined =>
        {
            _removedNodes.Remove(joined.Node);
            _joinedNodes.Add(joined.Node);
        });
        Receive<GetBootstrapState>(_ => AnswerBootstrapState());
        Receive<BootstrapState>(state =>
        {
            if (_incarnation is not null) return;
            _peerStates[Sender.Path.Address] = state;
            Decide();
        });
        Receive<AskPeers>(_ =>
        {
            foreach (var peer in Peers) TellHost(peer, GetBootstrapState.Instance);
            if (++_asks % AsksBetweenWarnings == 0)
                _log.Warning("Replicas not started yet: this node's data directory is new, and before it founds its groups every other node must " +
                    "answer that none has run them (or one that they run, to rejoin them); still waiting for {0}",
                    string.Join(", ", Peers.Where(p => !_peerStates.TryGetValue(p, out var state) || !state.Ready)));
        });
        Receive<JoinGroup>(join =>
        {
            if (!_books.TryGetValue(join.Partition, out var book)) return;
            if (_replicas.TryGetValue(join.Partition, out var replica) && replica.Equals(Sender))
            {
                // Our own replica asks: on to every other node its group has known, where only the leader acts.
                foreach (var node in book.KnownIds.Select(book.NodeOf).OfType<Address>().Where(n => n != _self).Distinct()) TellHost(node, join);
            }
            else if (_replicas.TryGetValue(join.Partition, out var local))
            {
                local.Tell(join);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="settings">How the replicas run.</param>
    /// <param name="groups">The groups of the cluster; this node hosts a replica of those that name its address.</param>
    public static Props Props(ReplicationSettings settings, IReadOnlyList<ReplicaGroup> groups) =>
        Akka.Actor.Props.Create(() => new ReplicationHost(settings, groups));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(nameof(RaftTick), RaftTick.Instance, _settings.TickInterval);
        if (NodeIncarnation.Load(_settings.DataDirectory) is { } recorded)
        {
            StartReplicas(recorded);
            return;
        }

        if (_settings.DataDirectory.Length > 0 && ReplicationRecord.PredatesIncarnations(_settings.DataDirectory))
        {
            // Its journal holds the founding replicas' logs: asking peers (which may not understand yet) is not needed.
            _log.Info("This data directory predates recorded incarnations: its replicas are the founding ones (incarnation 0)");
            Record(0);
            return;
        }

        _log.Info("No replica incarnation recorded in {0}: asking the other nodes whether the groups already run",
            _settings.DataDirectory.Length > 0 ? _settings.DataDirectory : "memory");
        Self.Tell(AskPeers.Instance);
        Timers.StartPeriodicTimer(nameof(AskPeers), AskPeers.Instance, AskPeersEvery);
        Decide(); // a single node has no one to ask
    }

    // Every other founding node, and every other member the cluster has reported: replicas may have moved to any of them.
    private IEnumerable<Address> Peers => _groups.Values.SelectMany(g => g.Replicas.Values).Concat(_joinedNodes).Where(n => n != _self).Distinct();

    private void Decide()
    {
        var slot = _groups.Values.Select(g => g.SlotOn(_self)).FirstOrDefault(s => s is not null);
        if (slot is null)
        {
            StartReplicas(0); // no replica of any group here: nothing to found or rejoin
            return;
        }

        switch (IncarnationChoice.Decide(slot.Value, Peers.Count(), _peerStates.Values, DateTimeOffset.UtcNow))
        {
            case IncarnationChoice.Found:
                _log.Info("Founding this node's replicas (incarnation 0): every other node answered and none has run its groups yet");
                Record(0);
                break;
            case IncarnationChoice.Rejoin rejoin:
                _log.Warning("This node's data directory is new or was emptied while its groups run: {0}. Rejoining them as incarnation {1} " +
                    "(new replica ids); each replica is re-filled from its group's leader and made a voter once it has caught up",
                    rejoin.Why, rejoin.Incarnation);
                Record(rejoin.Incarnation);
                break;
        }
    }

    private void Record(long incarnation)
    {
        // Recorded before any replica starts: a replica that ran must never be started again under other ids, nor a
        // rejoined one as a founder.
        NodeIncarnation.Save(_settings.DataDirectory, incarnation);
        Timers.Cancel(nameof(AskPeers));
        _peerStates.Clear();
        StartReplicas(incarnation);
    }

    private void StartReplicas(long incarnation)
    {
        _incarnation = incarnation;
        _replicasStartedAt = DateTimeOffset.UtcNow;
        Timers.Cancel(nameof(AskPeers));
        if (HostedReplicas.Load(_settings.DataDirectory) is { } hosted)
        {
            foreach (var (partition, id) in hosted.Where(h => _groups.ContainsKey(h.Key))) _hosted[partition] = id;
        }
        else
        {
            // New, or from before placement: the founding placement's replicas in this incarnation.
            foreach (var group in _groups.Values)
            {
                if (group.ReplicaOn(_self, incarnation) is { } id) _hosted[group.Partition] = id;
            }

            HostedReplicas.Save(_settings.DataDirectory, _hosted);
        }

        foreach (var (partition, id) in _hosted) StartReplica(partition, id);
    }

    // A leader places a replica here for a move. Ids only grow, so an older placement arriving late changes nothing.
    private void OnHostReplica(HostReplica host)
    {
        if (_incarnation is null || !_books.TryGetValue(host.Partition, out var book)) return;
        if (_hosted.TryGetValue(host.Partition, out var current) && current >= host.ReplicaId) return;
        if (_members.Contains(host.Partition))
        {
            // A member is never replaced: the word comes from a leader that was deposed, or is late.
            _log.Warning("Partition {0}: not starting replica {1} here: replica {2} here is a member of the group", host.Partition, host.ReplicaId, current);
            return;
        }

        if (_replicas.Remove(host.Partition, out var stale))
        {
            // Not a member, or the controller would not place another replica of the group here.
            _log.Warning("Partition {0}: replica {1} here is replaced by replica {2}, which its group's leader places here; the old one's journal is left behind",
                host.Partition, current, host.ReplicaId);
            Context.Unwatch(stale);
            _started.Remove(stale);
            Context.Stop(stale);
        }

        _books[host.Partition] = book.Merge(host.Placed);
        _hosted[host.Partition] = host.ReplicaId;
        HostedReplicas.Save(_settings.DataDirectory, _hosted);
        _log.Info("Partition {0}: starting replica {1}, placed here by its group's leader", host.Partition, host.ReplicaId);
        StartReplica(host.Partition, host.ReplicaId);
    }

    // Not while its replicas start: the node would look empty, and the controller would place replicas here. A replica
    // that has not started within StartingPatience (failing, or recovering a large log) is left out, and will count as
    // missed; the others are reported.
    private void AnswerPlacementView()
    {
        if (_incarnation is null) return;
        if (_started.Count < _replicas.Count && DateTimeOffset.UtcNow - _replicasStartedAt < StartingPatience) return;
        var asks = _started.Select(r => r.Ask<ReplicaView>(GetReplicaView.Instance, StateAskTimeout)).ToArray();
        var node = _self;
        var draining = _draining;
        Task.WhenAll(asks).ContinueWith(t => new PlacementView(node, draining,
                t.IsCompletedSuccessfully ? t.Result : asks.Where(a => a.IsCompletedSuccessfully).Select(a => a.Result).ToArray()))
            .PipeTo(Sender, Self);
    }

    // Ready once every replica here has recovered; active if any has seen an election or an entry past the founding one.
    private void AnswerBootstrapState()
    {
        if (_incarnation is null)
        {
            Sender.Tell(BootstrapState.Empty);
            return;
        }

        if (_started.Count < _replicas.Count)
        {
            Sender.Tell(BootstrapState.NotReady);
            return;
        }

        // A node that rejoined knows the groups ran, even while its own new replicas hold nothing yet; so does one whose
        // replicas are no longer the founding placement's (some moved here or away).
        var rejoined = _incarnation > 0 || !HostsFoundingPlacement();
        var asks = _replicas.Select(r => r.Value.Ask<ReplicaState>(new GetReplicaState(r.Key), StateAskTimeout)).ToArray();
        Task.WhenAll(asks).ContinueWith(t => t.IsCompletedSuccessfully
                ? new BootstrapState(true,
                    rejoined || t.Result.Any(s => s.Term > MemoryStorage.BootstrapTerm || s.LastIndex > MemoryStorage.BootstrapIndex),
                    t.Result.SelectMany(s => s.Members.Voters.Concat(s.Members.Learners)).Distinct().ToArray())
                : BootstrapState.NotReady)
            .PipeTo(Sender, Self);
    }

    private bool HostsFoundingPlacement()
    {
        var founding = _groups.Values.Select(g => (g.Partition, Id: g.ReplicaOn(_self, 0))).Where(f => f.Id is not null).ToArray();
        return founding.Length == _hosted.Count && founding.All(f => _hosted.TryGetValue(f.Partition, out var id) && id == f.Id);
    }

    private void StartReplica(int partition, ulong id)
    {
        var book = _books[partition];
        if (ReplicaOrigins.Of(id) == ReplicaOrigin.Rejoining && book.Founding.Replicas.Values.All(n => n == _self))
            _log.Error("Partition {0} has no replica on another node to take this node's new replica in: its data was only in the emptied " +
                "directory. It stays unavailable; restore it from a backup (kv-server restore) or start this node on its old directory", partition);
        var replica = Context.ActorOf(ReplicaActor.Props(_settings, book, id, Self), $"p{partition}-r{id}");
        Context.Watch(replica);
        _replicas[partition] = replica;
    }

    private void OnOutgoing(OutgoingRaftMessages outgoing)
    {
        var book = _books[outgoing.Partition];
        foreach (var message in outgoing.Messages)
        {
            // A message to a replica this group does not know is dropped: Raft treats it as lost.
            if (book.NodeOf(message.To) is not { } node || _removedNodes.Contains(node)) continue;
            if (node == _self) Deliver(outgoing.Partition, message);
            else _outbound.Add(node, new PartitionRaftMessage(outgoing.Partition, message));
        }

        if (_outbound.IsEmpty || _flushScheduled) return;
        _flushScheduled = true;
        Self.Tell(Flush.Instance);
    }

    private void OnFlush()
    {
        _flushScheduled = false;
        foreach (var (node, envelope) in _outbound.Flush()) TellHost(node, envelope);
    }

    // To the replica here if it lives here, else to its node's host (which then finds it here).
    private void Route(int partition, ulong replicaId, object message)
    {
        if (!_books.TryGetValue(partition, out var book) || book.NodeOf(replicaId) is not { } node) return;
        if (node != _self) TellHost(node, message);
        else if (_replicas.TryGetValue(partition, out var replica)) replica.Tell(message);
    }

    // Raft traffic from a removed node's address: a new process there has dialled us, so answering it over that
    // connection is safe. Waiting for the cluster to report it joined is not enough: the member that welcomed it may
    // die before anyone else hears, and then only its Raft traffic says it is back (RaftSnapshotTransferSpec).
    private void HeardFrom(Address node)
    {
        if (node == _self || node.Host is null || !_removedNodes.Remove(node)) return;
        _log.Info("Raft traffic from {0}, which the cluster removed: a new process there; sending to it again", node);
    }

    // Every message to another node's host goes here: none to a node the cluster removed.
    private void TellHost(Address node, object message)
    {
        if (!_removedNodes.Contains(node)) HostOn(node).Tell(message, Self);
    }

    private ActorSelection HostOn(Address node)
    {
        if (!_hostsByNode.TryGetValue(node, out var host))
            _hostsByNode[node] = host = Context.ActorSelection(new RootActorPath(node) / "user" / Name);
        return host;
    }

    // A replica that is restarting misses what comes meanwhile: Raft takes it as lost and sends again.
    private void Deliver(int partition, Message message)
    {
        if (_replicas.TryGetValue(partition, out var replica)) replica.Tell(message);
    }

    private sealed class Flush
    {
        public static readonly Flush Instance = new();
    }

    private sealed record RestartReplica(int Partition);

    private sealed class AskPeers
    {
        public static readonly AskPeers Instance = new();
    }
}
