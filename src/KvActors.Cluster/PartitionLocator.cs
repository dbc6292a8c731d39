using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace KvActors.Cluster;

/// <summary>
/// Keeps every partition running and knows where each runs. Every <see cref="Interval"/> it asks the shard region
/// which node hosts which partition (<see cref="ShardedPartitions.Homes"/>) and asks it to start every partition
/// (StartEntity is idempotent, so every node doing this is harmless). Asking again and again, not only on membership
/// events, matters: right after a node is removed the region may still send a StartEntity to the dead node, and a
/// partition would then start only when a request for it arrived. When a downed member is removed, requests in flight
/// to the partitions it hosted are answered at once (<see cref="ShardedPartitions.NodeRemoved"/>).
/// </summary>
internal sealed class PartitionLocator : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly IActorRef _region;
    private readonly ShardedPartitions _partitions;
    private readonly int _count;

    public PartitionLocator(IActorRef region, ShardedPartitions partitions, int count)
    {
        _region = region;
        _partitions = partitions;
        _count = count;
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            // A member that left gracefully handed its partitions off first and answered what it had; only a downed
            // one can have taken requests with it.
            if (removed.PreviousStatus == MemberStatus.Down) _partitions.NodeRemoved(removed.Member.Address);
            StartAll();
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<Tick>(_ =>
        {
            StartAll();
            _region.Ask<ClusterShardingStats>(new GetClusterShardingStats(Interval), Interval + Interval).PipeTo(Self, failure: _ => Tick.Instance);
        });
        Receive<ClusterShardingStats>(stats =>
        {
            var homes = new Dictionary<int, Address>();
            foreach (var (address, regionStats) in stats.Regions)
            {
                foreach (var shard in regionStats.Stats.Keys) homes[int.Parse(shard, System.Globalization.CultureInfo.InvariantCulture)] = address;
            }

            // A region that did not answer in time is missing from the stats: keep what was known of its partitions.
            foreach (var (partition, address) in _partitions.Homes) homes.TryAdd(partition, address);
            _partitions.Homes = homes;
        });
        ReceiveAny(_ => { }); // the region's StartEntityAck (internal to Akka)
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef region, ShardedPartitions partitions, int count) =>
        Akka.Actor.Props.Create(() => new PartitionLocator(region, partitions, count));

    protected override void PreStart()
    {
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, Interval);
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private void StartAll()
    {
        for (var partition = 0; partition < _count; partition++)
            _region.Tell(new ShardRegion.StartEntity(PartitionMessageExtractor.Id(partition)));
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
