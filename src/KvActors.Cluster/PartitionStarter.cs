using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace KvActors.Cluster;

/// <summary>
/// Keeps every partition running: asks the shard region to start all of them when this node joins and again
/// whenever a member is removed (a node left or was downed). Without it, a partition that lived on a removed node
/// would be restarted, and would recover from the journal, only when the next request for it arrived.
/// StartEntity is idempotent, so every node doing this is harmless.
/// </summary>
internal sealed class PartitionStarter : ReceiveActor
{
    public PartitionStarter(IActorRef region, int partitions)
    {
        Receive<ClusterEvent.MemberUp>(up =>
        {
            if (up.Member.Address.Equals(Akka.Cluster.Cluster.Get(Context.System).SelfAddress)) StartAll(region, partitions);
        });
        Receive<ClusterEvent.MemberRemoved>(_ => StartAll(region, partitions));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => StartAll(region, partitions));
    }

    public static Props Props(IActorRef region, int partitions) =>
        Akka.Actor.Props.Create(() => new PartitionStarter(region, partitions));

    protected override void PreStart() =>
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private static void StartAll(IActorRef region, int partitions)
    {
        for (var partition = 0; partition < partitions; partition++)
            region.Tell(new ShardRegion.StartEntity(PartitionMessageExtractor.Id(partition)));
    }
}
