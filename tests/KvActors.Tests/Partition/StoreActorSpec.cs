using System.Collections.Concurrent;
using System.Text;
using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Server.Persistence;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Partition;

public sealed class StoreActorSpec(ITestOutputHelper output)
    : ServerTestKit(output, new ServerSettings { SnapshotEvery = 10 })
{
    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);

    private string JournalFile => Sqlite.JournalFile;

    private string SnapshotFile => Sqlite.SnapshotFile;

    [Fact]
    public void StoreActor_should_acknowledge_writes_and_recover_them_after_restart()
    {
        var front = StartFront();
        front.Tell(new Set("a", V("1")));
        Assert.Equal(1, ExpectMsg<Written>().Revision);
        front.Tell(new Set("b", V("2")));
        Assert.Equal(2, ExpectMsg<Written>().Revision);
        front.Tell(new Delete("a"));
        Assert.Equal(3, ExpectMsg<Deleted>().Revision);

        StopFront(front);
        front = StartFront();

        front.Tell(new Get("a"));
        Assert.Equal(ErrorCode.NotFound, ExpectMsg<KvError>().Code);
        front.Tell(new Get("b"));
        var found = ExpectMsg<Found>();
        Assert.Equal("2", Encoding.UTF8.GetString(found.Value));
        Assert.Equal(2, found.Revision);
        front.Tell(new Set("c", V("3")));
        Assert.Equal(4, ExpectMsg<Written>().Revision);
    }

    [Fact]
    public void StoreActor_should_report_when_it_last_started_and_how_long_its_recovery_took()
    {
        var front = StartFront();
        front.Tell(new Set("a", V("1")));
        ExpectMsg<Written>();
        front.Tell(GetStats.Instance);
        var first = Assert.Single(ExpectMsg<StoreStats>().Recoveries);

        StopFront(front);
        front = StartFront();
        front.Tell(GetStats.Instance);
        var stats = ExpectMsg<StoreStats>();
        var second = Assert.Single(stats.Recoveries);

        Assert.Equal(0, second.Partition);
        Assert.Equal(stats.Node, second.Node);
        Assert.True(second.StartedAt > first.StartedAt, $"{second.StartedAt:O} is not after {first.StartedAt:O}");
        Assert.True(second.Duration > TimeSpan.Zero);
        // It recovered before it answered, so its recovery ended before now.
        Assert.True(second.StartedAt + second.Duration <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public void StoreActor_should_recover_from_a_snapshot_plus_later_events_and_compact_what_it_covers()
    {
        var front = StartFront();
        for (var i = 1; i <= 25; i++)
        {
            front.Tell(new Set($"k{i % 7}", V($"v{i}")));
            ExpectMsg<Written>();
        }

        // A snapshot every 10 events (20, or later if one was still saving); after each, the events and older
        // snapshots it covers are deleted.
        long snapshotAt = 0;
        AwaitAssert(() =>
        {
            Assert.Equal(1, SqliteProbe.Scalar(SnapshotFile, "SELECT COUNT(*) FROM snapshot"));
            snapshotAt = SqliteProbe.Scalar(SnapshotFile, "SELECT MAX(sequence_number) FROM snapshot");
            Assert.InRange(snapshotAt, 20, 25);
            // Rows after the snapshot plus the highest covered row, kept (marked deleted) so sequence numbers never restart.
            Assert.Equal(25 - snapshotAt + 1, SqliteProbe.Scalar(JournalFile, "SELECT COUNT(*) FROM journal WHERE persistence_id = 'kv-partition-0'"));
        }, TimeSpan.FromSeconds(20));

        StopFront(front);
        front = StartFront();
        front.Tell(GetStats.Instance);
        var stats = ExpectMsg<StoreStats>();
        Assert.Equal(7, stats.Keys);
        Assert.Equal(25, stats.Revision);
        Assert.Equal(snapshotAt, stats.SnapshotSequenceNr);
        Assert.Equal(25, stats.JournalSequenceNr);

        for (var i = 19; i <= 25; i++)
        {
            front.Tell(new Get($"k{i % 7}"));
            var found = ExpectMsg<Found>();
            Assert.Equal($"v{i}", Encoding.UTF8.GetString(found.Value));
            Assert.Equal(i, found.Revision);
        }
    }

    [Fact]
    public async Task StoreActor_should_keep_every_acknowledged_write_from_many_concurrent_writers_across_a_restart()
    {
        var front = StartFront();
        var acknowledged = new ConcurrentDictionary<string, (string Value, long Revision)>();
        const int writers = 64, writesEach = 40;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            for (var i = 0; i < writesEach; i++)
            {
                var key = $"w{w}-k{i % 10}";
                var value = $"{w}:{i}";
                var reply = await front.Ask<IKvReply>(new Set(key, V(value)), TimeSpan.FromSeconds(20));
                var written = Assert.IsType<Written>(reply);
                acknowledged[key] = (value, written.Revision);
            }
        }));

        // Every revision was handed out exactly once.
        front.Tell(GetStats.Instance);
        Assert.Equal(writers * writesEach, ExpectMsg<StoreStats>().Revision);

        StopFront(front);
        front = StartFront();
        foreach (var (key, (value, revision)) in acknowledged)
        {
            var found = Assert.IsType<Found>(await front.Ask<IKvReply>(new Get(key), TimeSpan.FromSeconds(5)));
            Assert.Equal(value, Encoding.UTF8.GetString(found.Value));
            Assert.Equal(revision, found.Revision);
        }
    }

    [Fact]
    public void StoreActor_should_answer_Unavailable_while_the_journal_fails_and_serve_again_when_it_heals()
    {
        var front = StartFront();
        front.Tell(new Set("before", V("1")));
        ExpectMsg<Written>();

        // A real storage fault: the journal table disappears under the running server.
        SqliteProbe.Execute(JournalFile, "ALTER TABLE journal RENAME TO journal_away");
        front.Tell(new Set("during", V("2")));
        Assert.Equal(ErrorCode.Unavailable, ExpectMsg<KvError>(TimeSpan.FromSeconds(15)).Code);

        // While the store is down or failing to recover, every request gets an immediate error, never silence.
        front.Tell(new Get("before"));
        Assert.Equal(ErrorCode.Unavailable, ExpectMsg<KvError>(TimeSpan.FromSeconds(15)).Code);

        SqliteProbe.Execute(JournalFile, "ALTER TABLE journal_away RENAME TO journal");
        AwaitAssert(() =>
        {
            front.Tell(new Set("after", V("3")));
            ExpectMsg<Written>(TimeSpan.FromSeconds(2));
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));

        front.Tell(new Get("before"));
        Assert.Equal("1", Encoding.UTF8.GetString(ExpectMsg<Found>().Value));
        front.Tell(new Get("during"));
        Assert.Equal(ErrorCode.NotFound, ExpectMsg<KvError>().Code);
    }

    [Fact]
    public async Task StoreActor_should_answer_requests_that_reach_it_after_it_stopped()
    {
        var front = StartFront();
        var store = await Sys.ActorSelection(front.Path / "partition-0" / "store").ResolveOne(TimeSpan.FromSeconds(5));
        Watch(store);

        // The journal fails under a write and the store stops. A request still on its way to it (forwarded just
        // before its host heard of the stop) becomes a dead letter: the host must answer it, not leave it to time out.
        SqliteProbe.Execute(JournalFile, "ALTER TABLE journal RENAME TO journal_away");
        front.Tell(new Set("during", V("2")));
        Assert.Equal(ErrorCode.Unavailable, ExpectMsg<KvError>(TimeSpan.FromSeconds(15)).Code);
        ExpectTerminated(store, TimeSpan.FromSeconds(15));

        store.Tell(new Set("late", V("3")));
        var late = ExpectMsg<KvError>(TimeSpan.FromSeconds(5));
        Assert.Equal(ErrorCode.Unavailable, late.Code);
        Assert.Contains("it was not applied", late.Message);
        SqliteProbe.Execute(JournalFile, "ALTER TABLE journal_away RENAME TO journal");
    }

    [Fact]
    public void StoreActor_should_sweep_expired_keys_durably_and_keep_ttls_across_restart()
    {
        var front = StartFront();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        front.Tell(new Set("short", V("1"), Expiry: Expiry.At(now + 300)));
        ExpectMsg<Written>();
        front.Tell(new Set("long", V("2"), Expiry: Expiry.At(now + 3_600_000)));
        ExpectMsg<Written>();

        // The sweeper persists the deletion: the key count drops and the revision moves on.
        AwaitAssert(() =>
        {
            front.Tell(GetStats.Instance);
            var stats = ExpectMsg<StoreStats>();
            Assert.Equal(1, stats.Keys);
            Assert.Equal(3, stats.Revision);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        StopFront(front);
        front = StartFront();
        front.Tell(new Get("long"));
        Assert.Equal(now + 3_600_000, ExpectMsg<Found>().ExpiresAtUnixMs);
        front.Tell(new Get("short"));
        Assert.Equal(ErrorCode.NotFound, ExpectMsg<KvError>().Code);
    }

    [Fact]
    public void StoreActor_should_persist_a_batch_and_recover_all_of_it()
    {
        var front = StartFront();
        front.Tell(new Batch([new Set("a", V("1")), new Set("b", V("2")), new Increment("n", 5), new Get("a")]));
        var replies = ExpectMsg<BatchResult>().Replies;
        Assert.Equal("1", Encoding.UTF8.GetString(Assert.IsType<Found>(replies[3]).Value));

        StopFront(front);
        front = StartFront();
        front.Tell(new Batch([new Get("a"), new Get("b"), new Get("n")]));
        var recovered = ExpectMsg<BatchResult>().Replies.Select(r => Encoding.UTF8.GetString(Assert.IsType<Found>(r).Value));
        Assert.Equal(["1", "2", "5"], recovered);
    }
}
