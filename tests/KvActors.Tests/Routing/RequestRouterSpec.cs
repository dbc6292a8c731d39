using KvActors.Protocol;
using KvActors.Server.Partitioning;
using KvActors.Server.Routing;
using Xunit;

namespace KvActors.Tests.Routing;

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
    public void RequestRouter_should_send_a_stale_read_where_its_query_goes_and_read_every_part_of_a_scan_stale()
    {
        Assert.Equal(new Route.ToPartition(P("a")), Router.Plan(new StaleRead(new Get("a"))));

        var scatter = Assert.IsType<Route.Scatter>(Router.Plan(new StaleRead(new Scan("p"))));
        Assert.Equal(Map.Count, scatter.Parts.Count);
        Assert.All(scatter.Parts, part => Assert.Equal(new StaleRead(new Scan("p")), part.Request));
    }

    [Fact]
    public void RequestRouter_should_refuse_every_batch_whose_keys_span_partitions_and_never_split_it()
    {
        Assert.NotEqual(P("x"), P("y"));
        IKvRequest[] spanning =
        [
            // MULTI SET x 1 SET y 2 EXEC: a transaction is a batch that is not all-or-nothing, and still atomic.
            new Batch([new Set("x", [1]), new Set("y", [2])]),
            // DEL x y
            new Batch([new Delete("x"), new Delete("y")]),
            // MULTI GET x GET y EXEC: a transaction's reads are one snapshot too.
            new Batch([new Get("x"), new Get("y")]),
            // MULTI with an MSETNX whose own keys share a partition, next to a SET elsewhere.
            new Batch([new Batch([new Create("{t}a", [1]), new Create("{t}b", [1])], AllOrNothing: true), new Set("y", [2])]),
            // MULTI MSETNX x 1 y 2 EXEC: the nested all-or-nothing batch spans partitions itself.
            new Batch([new Batch([new Create("x", [1]), new Create("y", [1])], AllOrNothing: true)]),
            // MULTI RENAME x y EXEC, and MULTI FLUSHDB EXEC (every partition).
            new Batch([new Rename("x", "y")]),
            new Batch([new Set("x", [1]), Clear.Instance]),
        ];

        foreach (var request in spanning)
        {
            var refused = Assert.IsType<Route.Refused>(Router.Plan(request));
            Assert.Equal(ErrorCode.CrossPartition, refused.Error.Code);
        }
    }

    [Fact]
    public void RequestRouter_should_send_a_transaction_whose_keys_share_a_partition_whole()
    {
        var transaction = new Batch(
        [
            new Set("{t}x", [1]), new Set("{t}y", [1]), new Get("{t}z"), new Delete("{t}x"), new Rename("{t}y", "{t}w"),
            new Batch([new Create("{t}a", [1]), new Create("{t}b", [1])], AllOrNothing: true),
        ]);
        Assert.Equal(new Route.ToPartition(P("t")), Router.Plan(transaction));
        Assert.Equal(new Route.ToPartition(P("x")), Router.Plan(new Batch([new Set("x", [1]), new Increment("x", 1)])));
    }

    // MGET x y and EXISTS x y are independent single-key requests, each routed on its own: reads across partitions
    // keep working (they are not a snapshot across keys, as documented).
    [Fact]
    public void RequestRouter_should_route_the_single_key_reads_of_a_multi_key_read_each_to_its_partition()
    {
        Assert.Equal(new Route.ToPartition(P("x")), Router.Plan(new Get("x")));
        Assert.Equal(new Route.ToPartition(P("y")), Router.Plan(new Exists("y")));
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
        Assert.Equal(new Route.ToPartition(0), single.Plan(new Batch([new Set("x", [1]), new Set("y", [2]), new Rename("x", "z"), Clear.Instance])));
        Assert.Equal(new Route.ToPartition(0), single.Plan(new Scan("")));
        Assert.Equal(new Route.ToPartition(0), single.Plan(GetStats.Instance));
    }
}
