using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using KvActors.Protocol;

namespace KvActors.Cluster;

/// <summary>
/// Answers <c>kv cluster members|leave|down</c> on a cluster node: the membership from this node's view of the
/// cluster, with the partitions each member hosts (from the shard region's statistics), and leave/down requests
/// carried out through Akka.Cluster.
/// </summary>
internal sealed class MembershipActor : ReceiveActor
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(3);

    public MembershipActor(IActorRef region)
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        ReceiveAsync<GetClusterMembers>(async _ => Sender.Tell(await MembersAsync(cluster, region)));
        ReceiveAsync<LeaveCluster>(async leave => Sender.Tell(await ActAsync(cluster, region, leave.Address, cluster.Leave)));
        ReceiveAsync<DownClusterMember>(async down => Sender.Tell(await ActAsync(cluster, region, down.Address, cluster.Down)));
    }

    public static Props Props(IActorRef region) => Akka.Actor.Props.Create(() => new MembershipActor(region));

    private static async Task<IKvReply> ActAsync(Akka.Cluster.Cluster cluster, IActorRef region, string address, Action<Address> act)
    {
        Address target;
        try
        {
            target = Address.Parse(KvAddress.OfMember(address));
        }
        catch (UriFormatException)
        {
            return new KvError(ErrorCode.InvalidArgument, $"'{address}' is not a member address (akka.tcp://kv@HOST:PORT or HOST:PORT)");
        }

        if (cluster.State.Members.All(m => !m.Address.Equals(target)))
            return new KvError(ErrorCode.NotFound, $"{target} is not a member of this cluster");
        act(target);
        return await MembersAsync(cluster, region);
    }

    private static async Task<IKvReply> MembersAsync(Akka.Cluster.Cluster cluster, IActorRef region)
    {
        var hosted = new Dictionary<Address, int[]>();
        try
        {
            var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(StatsTimeout), StatsTimeout + TimeSpan.FromSeconds(1));
            foreach (var (address, regionStats) in stats.Regions)
                hosted[address] = regionStats.Stats.Keys.Select(int.Parse).Order().ToArray();
        }
        catch (AskTimeoutException)
        {
            // Partitions unknown right now (the coordinator is moving): report the membership without them.
        }

        var state = cluster.State;
        var members = state.Members.Select(m => new ClusterMember(
            m.Address.ToString(),
            m.Status.ToString(),
            m.Roles.Where(r => !r.StartsWith("dc-", StringComparison.Ordinal)).Order().ToArray(),
            !state.Unreachable.Contains(m),
            hosted.TryGetValue(m.Address, out var partitions) ? partitions : [])).ToArray();
        return new ClusterMembers(members, state.Leader?.ToString());
    }
}
