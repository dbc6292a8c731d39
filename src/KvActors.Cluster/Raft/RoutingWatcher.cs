using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;
using KvActors.Replication;
using KvActors.Replication.Transport;

namespace KvActors.Cluster.Raft;

/// <summary>
/// Keeps <see cref="RaftPartitions"/> informed. Leaders: every <see cref="LeaderChanged"/> this node's replicas
/// publish. Nodes: which replica nodes are gone, from this node's view of the cluster: a node is
/// gone once it is downed (a dead process is downed at once by the dead-process detector), exiting or removed, and
/// back once a member at its address is joining or up again (a restarted process is a new incarnation at the same
/// address). Unreachable alone is not gone: Raft traffic does not depend on membership, and a view that marks a node
/// unreachable can be wrong while Raft still hears it (in CI a restarted first seed formed a cluster of its own, marked
/// the node leading every partition unreachable, and stopped routing to it for a minute). A paused or cut-off leader
/// is left by the routing when this node's replicas report the new leader (<see cref="LeaderChanged"/>). A node the
/// membership has not mentioned yet (the cluster is still forming) is assumed alive. The host also hears which nodes
/// were removed from the cluster, and sends them nothing until a new process at the address joins
/// (<see cref="NodeRemoved"/>).
/// </summary>
public sealed class RoutingWatcher : ReceiveActor
{
    private readonly RaftPartitions _partitions;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Address _self = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;
    private readonly ActorSelection _host = Context.ActorSelection("/user/" + ReplicationHost.Name);

    // The latest incarnation seen at each address, and whether it serves.
    private readonly Dictionary<Address, (UniqueAddress Incarnation, bool Alive)> _nodes = [];

    public RoutingWatcher(RaftPartitions partitions)
    {
        _partitions = partitions;
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            Seen(e.Member, alive: false);
            if (e.PreviousStatus == MemberStatus.Exiting) ForgetIncarnation(e.Member);
            if (e.Member.Address != _self && IsLatest(e.Member)) _host.Tell(new NodeRemoved(e.Member.Address));
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            var alive = e is ClusterEvent.MemberJoined or ClusterEvent.MemberUp or ClusterEvent.MemberWeaklyUp;
            Seen(e.Member, alive);
            if (alive) _host.Tell(new NodeJoined(e.Member.Address));
        });
        Receive<ClusterEvent.UnreachableMember>(_ => { });
        Receive<ClusterEvent.ReachableMember>(e => Seen(e.Member, alive: e.Member.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving));
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<LeaderChanged>(e => _partitions.LeaderChanged(e.Partition, e.Term, e.Leader));
    }

    public static Props Props(RaftPartitions partitions) => Akka.Actor.Props.Create(() => new RoutingWatcher(partitions));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(LeaderChanged));
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }

    // A member that left gracefully is gone for good (its process stops once removed), but Akka.Cluster quarantines
    // only downed members: classic remoting then keeps the old incarnation's association state for its address, and
    // when the node restarted there quickly, this node's messages to the new incarnation were lost for over a minute
    // while the new node's reached it (RaftRollingRestartSpec in CI). Quarantining the old incarnation's uid drops that
    // state; the new incarnation has another uid and is not affected.
    private void ForgetIncarnation(Member member)
    {
        if (member.Address == _self) return;
        _log.Info("Dropping remoting state of {0} incarnation {1}: it left the cluster", member.Address, member.UniqueAddress.Uid);
        ((RemoteActorRefProvider)((ExtendedActorSystem)Context.System).Provider).Quarantine(member.Address, member.UniqueAddress.Uid);
    }

    // Whether the member is the latest incarnation seen at its address (news of an older one changes nothing).
    private bool IsLatest(Member member) => !_nodes.TryGetValue(member.Address, out var known) || known.Incarnation.Equals(member.UniqueAddress);

    private void Seen(Member member, bool alive)
    {
        var address = member.Address;
        if (_nodes.TryGetValue(address, out var known) && !known.Incarnation.Equals(member.UniqueAddress))
        {
            // News of an older incarnation changes nothing; a newer one counts only once it joins.
            if (!alive || member.UniqueAddress.Uid == known.Incarnation.Uid) return;
        }

        var was = _nodes.TryGetValue(address, out var before) ? before.Alive : (bool?)null;
        _nodes[address] = (member.UniqueAddress, alive);
        // Said once per change, so a routing problem can be traced to the membership news behind it.
        if (was != alive && member.Address != _self)
            _log.Info(alive ? "Routing to {0} ({1}, incarnation {2})" : "Routing around {0}: the cluster has it {1} (incarnation {2})",
                address, member.Status, member.UniqueAddress.Uid);
        if (alive) _partitions.NodeBack(address);
        else _partitions.NodeGone(address);
    }
}
