using Akka.Actor;
using Akka.Event;
using KvActors.Protocol;
using KvActors.Raft;
using KvActors.Replication.Replica;
using KvActors.Replication.Transport;

namespace KvActors.Replication;

/// <summary>
/// The node-level actor of replication, at <c>/user/replication</c> on every node: it hosts this node's replica of
/// each group it belongs to, ticks them all from one timer (not one timer per group, so idle groups cost little),
/// and carries their Raft traffic: what its replicas send is batched per destination node and flushed as one
/// <see cref="RaftEnvelope"/> per node once the mailbox holds no more, and envelopes from other nodes are handed to
/// the replicas they name. Requests reach a replica wrapped in a <see cref="PartitionEnvelope"/>.
/// A replica that stops (its journal failed) is started again after a pause; it recovers from its journal.
/// </summary>
public sealed class ReplicationHost : ReceiveActor, IWithTimers
{
    public const string Name = "replication";

    private static readonly TimeSpan RestartAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan HandOffAskTimeout = TimeSpan.FromSeconds(1);

    private readonly ReplicationSettings _settings;
    private readonly Dictionary<int, ReplicaGroup> _groups;
    private readonly Dictionary<int, IActorRef> _replicas = [];
    private readonly HashSet<IActorRef> _started = [];
    private readonly OutboundBatches _outbound;
    private readonly Dictionary<Address, ActorSelection> _hostsByNode = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Address _self;
    private bool _flushScheduled;

    public ReplicationHost(ReplicationSettings settings, IReadOnlyList<ReplicaGroup> groups)
    {
        _settings = settings;
        _groups = groups.ToDictionary(g => g.Partition);
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
                .PipeTo(Sender);
        });
        Receive<Terminated>(terminated =>
        {
            var stopped = _replicas.Where(r => r.Value.Equals(terminated.ActorRef)).Select(r => (int?)r.Key).FirstOrDefault();
            if (stopped is not { } partition) return;
            _replicas.Remove(partition);
            _started.Remove(terminated.ActorRef);
            _log.Warning("Replica of partition {0} stopped; starting it again in {1}", partition, RestartAfter);
            Timers.StartSingleTimer(("restart", partition), new RestartReplica(partition), RestartAfter);
        });
        Receive<RestartReplica>(restart => StartReplica(_groups[restart.Partition]));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="settings">How the replicas run.</param>
    /// <param name="groups">The groups of the cluster; this node hosts a replica of those that name its address.</param>
    public static Props Props(ReplicationSettings settings, IReadOnlyList<ReplicaGroup> groups) =>
        Akka.Actor.Props.Create(() => new ReplicationHost(settings, groups));

    protected override void PreStart()
    {
        foreach (var group in _groups.Values) StartReplica(group);
        Timers.StartPeriodicTimer(nameof(RaftTick), RaftTick.Instance, _settings.TickInterval);
    }

    private void StartReplica(ReplicaGroup group)
    {
        if (group.ReplicaOn(_self) is not { } id) return;
        var replica = Context.ActorOf(ReplicaActor.Props(_settings, group, id, Self), $"p{group.Partition}");
        Context.Watch(replica);
        _replicas[group.Partition] = replica;
    }

    private void OnOutgoing(OutgoingRaftMessages outgoing)
    {
        var group = _groups[outgoing.Partition];
        foreach (var message in outgoing.Messages)
        {
            // A message to a replica this group does not know is dropped: Raft treats it as lost.
            if (group.NodeOf(message.To) is not { } node) continue;
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
        foreach (var (node, envelope) in _outbound.Flush()) HostOn(node).Tell(envelope, Self);
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
}
