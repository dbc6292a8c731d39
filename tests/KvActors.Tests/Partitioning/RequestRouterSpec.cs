using KvActors.Protocol;
using KvActors.Server.Partitioning;
using KvActors.Server.Routing;
using Xunit;

namespace KvActors.Tests.Partitioning;

public sealed class RequestRouterSpec
{
    private static readonly PartitionMap Map = new(16);
    private static readonly RequestRouter Router = new(Map, 1024);

    private static int P(string key) => Map.PartitionOf(key);

    [Fact]
    public void RequestRouter_should_send_single_key_requests_and_same_tag_batches_to_one_partition()
    {
        Assert.Equal(new Route.ToPartition(P("a")), Router.Plan(new Get("a")));
        Assert.Equal(new Route.ToPartition(P("{u}.x")), Router.Plan(new Rename("{u}.x", "{u}.y")));
        var atomic = new Batch([new Set("{u}.a", [1]), new Increment("{u}.b", 1)], AllOrNothing: true);
        Assert.Equal(new Route.ToPartition(P("{u}")), Router.Plan(atomic));
    }

    [Fact]
    public void RequestRouter_should_refuse_atomic_requests_across_partitions()
    {
        Assert.NotEqual(P("a"), P("b"));
        var refused = Assert.IsType<Route.Refused>(Router.Plan(new Batch([new Set("a", [1]), new Set("b", [2])], AllOrNothing: true)));
        Assert.Equal(ErrorCode.CrossPartition, refused.Error.Code);
        Assert.IsType<Route.Refused>(Router.Plan(new Rename("a", "b")));
    }

    [Fact]
    public void RequestRouter_should_split_a_non_atomic_batch_and_put_the_replies_back_in_request_order()
    {
        var batch = new Batch([new Get("a"), new Get("b"), new Get("a2"), new Rename("a", "b")]);
        var scatter = Assert.IsType<Route.Scatter>(Router.Plan(batch));
        Assert.Equal(scatter.Parts.Select(p => p.Partition).Distinct().Count(), scatter.Parts.Count);

        // Each partition answers its sub-batch with one reply per request, naming the key it was asked for.
        var replies = scatter.Parts.Select(part => (IKvReply)new BatchResult(((Batch)part.Request).Requests
            .Select(r => (IKvReply)new Found(System.Text.Encoding.UTF8.GetBytes(((IKeyedRequest)r).Key), part.Partition)).ToArray()))
            .ToArray();
        var result = Assert.IsType<BatchResult>(scatter.Gather(replies));
        Assert.Equal(["a", "b", "a2"], result.Replies.Take(3).Select(r => System.Text.Encoding.UTF8.GetString(((Found)r).Value)));
        Assert.Equal(ErrorCode.CrossPartition, Assert.IsType<KvError>(result.Replies[3]).Code);
    }

    [Fact]
    public void RequestRouter_should_fail_only_the_requests_of_a_part_that_failed()
    {
        var batch = new Batch([new Get("a"), new Get("b")]);
        var scatter = Assert.IsType<Route.Scatter>(Router.Plan(batch));
        var busy = new KvError(ErrorCode.Busy, "busy");
        var replies = scatter.Parts.Select(part => part.Partition == P("a") ? busy : (IKvReply)new BatchResult([new ExistsResult(true, 1)])).ToArray();
        var result = Assert.IsType<BatchResult>(scatter.Gather(replies));
        Assert.Equal(busy, result.Replies[0]);
        Assert.IsType<ExistsResult>(result.Replies[1]);
    }

    [Fact]
    public void RequestRouter_should_merge_scan_pages_in_key_order_up_to_the_smallest_partition_bound()
    {
        var scatter = Assert.IsType<Route.Scatter>(Router.Plan(new Scan("", null, 3)));
        Assert.Equal(16, scatter.Parts.Count);
        static KvEntry E(string key) => new(key, [1], 1);
        var pages = Enumerable.Range(0, 16).Select(p => p switch
        {
            0 => new ScanPage([E("b"), E("e")], "e", 5),   // more after "e" in partition 0
            1 => new ScanPage([E("a"), E("c")], null, 7),
            2 => new ScanPage([E("d"), E("f")], null, 1),  // "f" is past partition 0's bound: not safe yet
            _ => new ScanPage([], null, 0),
        }).Cast<IKvReply>().ToArray();

        var page = Assert.IsType<ScanPage>(scatter.Gather(pages));
        Assert.Equal(["a", "b", "c"], page.Entries.Select(e => e.Key));
        Assert.Equal("c", page.NextCursor);

        var last = Assert.IsType<ScanPage>(scatter.Gather(Enumerable.Range(0, 16)
            .Select(p => (IKvReply)new ScanPage(p == 3 ? [E("x")] : [], null, 0)).ToArray()));
        Assert.Equal(["x"], last.Entries.Select(e => e.Key));
        Assert.Null(last.NextCursor);
    }

    [Fact]
    public void RequestRouter_should_sum_stats_and_report_the_first_error_of_a_whole_store_request()
    {
        var scatter = Assert.IsType<Route.Scatter>(Router.Plan(GetStats.Instance));
        var stats = Enumerable.Range(0, 16).Select(p => (IKvReply)new StoreStats(p, 2, 3, 1, "d", TimeSpan.FromSeconds(p))
        {
            Recoveries = [new PartitionRecovery(15 - p, $"node{p % 2}", DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(p))],
        }).ToArray();
        var total = Assert.IsType<StoreStats>(scatter.Gather(stats));
        Assert.Equal(Enumerable.Range(0, 16).Sum(), total.Keys);
        Assert.Equal(32, total.Revision);
        Assert.Equal(16, total.Partitions);
        Assert.Equal(TimeSpan.FromSeconds(15), total.Uptime);
        // Every partition's recovery, wherever it runs, in partition order (the front keeps its own node's).
        Assert.Equal(Enumerable.Range(0, 16), total.Recoveries.Select(r => r.Partition));
        Assert.Equal(TimeSpan.FromMilliseconds(15), total.Recoveries[0].Duration);

        stats[5] = new KvError(ErrorCode.Unavailable, "down");
        Assert.Equal(ErrorCode.Unavailable, Assert.IsType<KvError>(scatter.Gather(stats)).Code);
    }

    [Fact]
    public void RequestRouter_should_send_everything_to_the_only_partition_when_there_is_one()
    {
        var single = new RequestRouter(new PartitionMap(1), 1024);
        Assert.Equal(new Route.ToPartition(0), single.Plan(new Batch([new Set("a", [1]), new Set("b", [2])], AllOrNothing: true)));
        Assert.Equal(new Route.ToPartition(0), single.Plan(new Scan("")));
        Assert.Equal(new Route.ToPartition(0), single.Plan(GetStats.Instance));
    }
}
