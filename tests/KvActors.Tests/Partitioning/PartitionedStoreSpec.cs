using System.Text;
using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Server.Partitioning;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Partitioning;

/// <summary>
/// The real front and 16 stores on SQLite: requests routed by key, whole-store requests scattered and merged,
/// batches that span partitions refused.
/// </summary>
public sealed class PartitionedStoreSpec(ITestOutputHelper output)
    : ServerTestKit(output, new ServerSettings { Partitions = Partitions, SnapshotEvery = 20 })
{
    private const int Partitions = 16;
    private static readonly PartitionMap Map = new(Partitions);

    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);

    private IKvReply Call(IActorRef front, IKvRequest request)
    {
        front.Tell(request);
        return ExpectMsg<IKvReply>(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Partitions_should_each_hold_their_keys_and_recover_them_after_restart()
    {
        var front = StartFront();
        for (var i = 0; i < 200; i++) Assert.IsType<Written>(Call(front, new Set($"key:{i}", V($"v{i}"))));
        var perPartition = Enumerable.Range(0, 200).GroupBy(i => Map.PartitionOf($"key:{i}")).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Partitions, perPartition.Count);

        StopFront(front);
        front = StartFront();

        Assert.Equal(200, Assert.IsType<StoreStats>(Call(front, GetStats.Instance)).Keys);
        for (var i = 0; i < 200; i++) Assert.Equal($"v{i}", Encoding.UTF8.GetString(Assert.IsType<Found>(Call(front, new Get($"key:{i}"))).Value));

        // Each partition is its own journal stream, snapshotted on its own.
        var streams = SqliteProbe.Scalar(Sqlite.JournalFile,
            "SELECT COUNT(DISTINCT persistence_id) FROM journal WHERE persistence_id LIKE 'kv-partition-%'");
        Assert.Equal(Partitions, streams);
    }

    [Fact]
    public void Atomic_requests_should_work_within_a_partition_and_be_refused_across_partitions()
    {
        var front = StartFront();
        var sameTag = new Batch([new Set("{cart:1}.items", V("3")), new Increment("{cart:1}.total", 5)], AllOrNothing: true);
        Assert.IsType<BatchResult>(Call(front, sameTag));
        Assert.IsType<Written>(Call(front, new Rename("{cart:1}.items", "{cart:1}.old")));

        Assert.NotEqual(Map.PartitionOf("a"), Map.PartitionOf("b"));
        var across = new Batch([new Set("a", V("1")), new Set("b", V("2"))], AllOrNothing: true);
        Assert.Equal(ErrorCode.CrossPartition, Assert.IsType<KvError>(Call(front, across)).Code);
        Assert.Equal(ErrorCode.NotFound, Assert.IsType<KvError>(Call(front, new Get("a"))).Code);
        Assert.Equal(ErrorCode.CrossPartition, Assert.IsType<KvError>(Call(front, new Rename("{cart:1}.old", "b"))).Code);
    }

    [Fact]
    public void Batches_should_run_whole_in_one_partition_or_be_refused_with_nothing_applied()
    {
        var front = StartFront();
        var keys = Enumerable.Range(0, 50).Select(i => $"k{i}").ToArray();
        var spanning = new Batch(keys.Select(k => (IKvRequest)new Set(k, V(k))).ToArray());
        Assert.Equal(ErrorCode.CrossPartition, Assert.IsType<KvError>(Call(front, spanning)).Code);
        foreach (var key in keys) Assert.Equal(ErrorCode.NotFound, Assert.IsType<KvError>(Call(front, new Get(key))).Code);

        var tagged = keys.Select(k => $"{{t}}{k}").ToArray();
        var sets = Assert.IsType<BatchResult>(Call(front, new Batch(tagged.Select(k => (IKvRequest)new Set(k, V(k))).ToArray())));
        Assert.Equal(50, sets.Replies.Count);
        Assert.All(sets.Replies, r => Assert.IsType<Written>(r));
        var gets = Assert.IsType<BatchResult>(Call(front, new Batch(tagged.Reverse().Select(k => (IKvRequest)new Get(k)).Append(new Get("{t}none")).ToArray())));
        Assert.Equal(tagged.Reverse(), gets.Replies.Take(50).Select(r => Encoding.UTF8.GetString(((Found)r).Value)));
        Assert.Equal(ErrorCode.NotFound, Assert.IsType<KvError>(gets.Replies[50]).Code);
    }

    [Fact]
    public void Scan_should_walk_every_partition_in_key_order_page_by_page()
    {
        var front = StartFront();
        var keys = Enumerable.Range(0, 120).Select(i => $"s:{i:D3}").ToArray();
        foreach (var key in keys) Call(front, new Set(key, V(key)));
        Call(front, new Set("other", V("x")));

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = Assert.IsType<ScanPage>(Call(front, new Scan("s:", cursor, 7)));
            Assert.InRange(page.Entries.Count, 1, 7);
            seen.AddRange(page.Entries.Select(e => e.Key));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(keys, seen);
        Assert.InRange(pages, 18, 40);
    }

    [Fact]
    public void Whole_store_requests_should_cover_every_partition()
    {
        var front = StartFront();
        for (var i = 0; i < 40; i++) Call(front, new Set($"w{i}", V("v")));
        Assert.Equal(40, Assert.IsType<StoreStats>(Call(front, GetStats.Instance)).Keys);
        Assert.StartsWith("w", Assert.IsType<RandomKeyResult>(Call(front, new RandomKey(12345))).Key);

        Assert.IsType<Deleted>(Call(front, Clear.Instance));
        Assert.Equal(0, Assert.IsType<StoreStats>(Call(front, GetStats.Instance)).Keys);
        Assert.Null(Assert.IsType<RandomKeyResult>(Call(front, new RandomKey(1))).Key);
    }
}
