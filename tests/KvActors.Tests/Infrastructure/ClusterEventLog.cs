using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;

namespace KvActors.Tests.Infrastructure;

/// <summary>The membership and reachability events one node sees, in the order it sees them.</summary>
public sealed class ClusterEventLog
{
    private readonly ConcurrentQueue<ClusterEvent.IClusterDomainEvent> _events = new();

    private ClusterEventLog() { }

    public IReadOnlyList<ClusterEvent.IClusterDomainEvent> Events => _events.ToArray();

    public static ClusterEventLog Record(ActorSystem system)
    {
        var log = new ClusterEventLog();
        var recorder = system.ActorOf(Props.Create(() => new Recorder(log._events)));
        Akka.Cluster.Cluster.Get(system).Subscribe(recorder, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        return log;
    }

    /// <summary>The first event about <paramref name="member"/> of one of the given kinds.</summary>
    public ClusterEvent.IClusterDomainEvent? FirstAbout(Address member, params Type[] kinds) =>
        Events.FirstOrDefault(e => kinds.Contains(e.GetType()) && AddressOf(e) == member);

    private static Address? AddressOf(ClusterEvent.IClusterDomainEvent e) => e switch
    {
        ClusterEvent.IMemberEvent m => m.Member.Address,
        ClusterEvent.ReachabilityEvent r => r.Member.Address,
        _ => null,
    };

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(ConcurrentQueue<ClusterEvent.IClusterDomainEvent> events) =>
            Receive<ClusterEvent.IClusterDomainEvent>(events.Enqueue);
    }
}
