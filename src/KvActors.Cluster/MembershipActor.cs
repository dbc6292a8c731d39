using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using KvActors.Protocol;

namespace KvActors.Cluster;

/// <summary>
/// Answers <c>kv cluster members|leave|down</c> on a cluster node: the membership from this node's view of the
/// cluster, with the partitions each member hosts (from the shard region's statistics, or in Raft mode the
/// partitions it holds a replica of), and leave/down requests carried out through Akka.Cluster.
/// </summary>
internal sealed class MembershipActor : ReceiveActor
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(3);

    /// <param name="refuseLeave">Why the member may not leave now (null: it may).</param>
    public MembershipActor(Func<Task<Dictionary<Address, int[]>>> hosted, Func<Akka.Cluster.Cluster, Address, string?>? refuseLeave = null)
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        ReceiveAsync<GetClusterMembers>(async _ => Sender.Tell(await MembersAsync(cluster, hosted)));
        ReceiveAsync<LeaveCluster>(async leave => Sender.Tell(await ActAsync(cluster, hosted, leave.Address, target =>
            refuseLeave?.Invoke(cluster, target) is { } why ? new KvError(ErrorCode.InvalidArgument, why) : Act(cluster.Leave, target))));
        ReceiveAsync<DownClusterMember>(async down => Sender.Tell(await ActAsync(cluster, hosted, down.Address, target => Act(cluster.Down, target))));
    }

    /// <summary>Members with the partitions the shard <paramref name="region"/> runs on each.</summary>
    public static Props Props(IActorRef region)
    {
        Func<Task<Dictionary<Address, int[]>>> hosted = () => ShardedAsync(region);
        return Akka.Actor.Props.Create(() => new MembershipActor(hosted));
    }

    /// <summary>Members with the partitions each holds a replica of, as <paramref name="hosted"/> finds them; a leave
    /// that <paramref name="refuseLeave"/> has a reason against is refused.</summary>
    public static Props Props(Func<Task<Dictionary<Address, int[]>>> hosted, Func<Akka.Cluster.Cluster, Address, string?> refuseLeave) =>
        Akka.Actor.Props.Create(() => new MembershipActor(hosted, refuseLeave));

    private static KvError? Act(Action<Address> act, Address target)
    {
        act(target);
        return null;
    }

    private static async Task<IKvReply> ActAsync(Akka.Cluster.Cluster cluster, Func<Task<Dictionary<Address, int[]>>> hosted, string address, Func<Address, KvError?> act)
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
        if (act(target) is { } refused) return refused;
        return await MembersAsync(cluster, hosted);
    }

    private static async Task<Dictionary<Address, int[]>> ShardedAsync(IActorRef region)
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

        return hosted;
    }

    private static async Task<IKvReply> MembersAsync(Akka.Cluster.Cluster cluster, Func<Task<Dictionary<Address, int[]>>> hostedBy)
    {
        var hosted = await hostedBy();
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
