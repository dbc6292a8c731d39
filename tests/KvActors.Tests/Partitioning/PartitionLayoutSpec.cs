using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Server.Partitioning;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Partitioning;

public sealed class PartitionLayoutSpec(ITestOutputHelper output)
    : ServerTestKit(output, new ServerSettings { Partitions = 4 })
{
    private string JournalFile => Sqlite.JournalFile;

    [Fact]
    public void Layout_should_be_recorded_once_and_a_different_count_refused()
    {
        var front = StartFront();
        front.Tell(new Set("a", [1]));
        ExpectMsg<Written>();
        front.Tell(GetStats.Instance);
        Assert.Equal(4, ExpectMsg<StoreStats>().Partitions);
        StopFront(front);

        var refused = Assert.Throws<PartitionLayoutException>(() => StartWith(partitions: 16));
        Assert.Contains("created with 4 partitions, not 16", refused.Message);
        Assert.Contains("--partitions 4", refused.Message);

        front = StartFront();
        front.Tell(new Get("a"));
        ExpectMsg<Found>();
        Assert.Equal(1, SqliteProbe.Scalar(JournalFile, "SELECT COUNT(*) FROM journal WHERE persistence_id = 'kv-layout'"));
    }

    [Fact]
    public void Layout_should_take_data_written_before_partitioning_as_one_partition()
    {
        // Data of a pre-partitioning server: one store under kv-partition-0 and no layout record.
        var front = StartWith(partitions: 1);
        AwaitAssert(() => front.Ask<StoreStats>(GetStats.Instance, TimeSpan.FromSeconds(2)).GetAwaiter().GetResult(), TimeSpan.FromSeconds(30));
        front.Tell(new Set("x", [7]));
        ExpectMsg<Written>();
        StopFront(front);
        SqliteProbe.Execute(JournalFile, "DELETE FROM journal WHERE persistence_id = 'kv-layout'");

        var refused = Assert.Throws<PartitionLayoutException>(() => StartWith(partitions: 4));
        Assert.Contains("written before partitioning", refused.Message);
        Assert.Contains("--partitions 1", refused.Message);

        // The guardian frees the refused front's name a moment after it has stopped: retry until it has.
        AwaitAssert(() => front = StartWith(partitions: 1), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        AwaitAssert(() => Assert.Equal([7], front.Ask<Found>(new Get("x"), TimeSpan.FromSeconds(2)).GetAwaiter().GetResult().Value),
            TimeSpan.FromSeconds(30));
        Assert.Equal(1, SqliteProbe.Scalar(JournalFile, "SELECT COUNT(*) FROM journal WHERE persistence_id = 'kv-layout'"));
    }

    private IActorRef StartWith(int partitions)
    {
        var settings = ServerBootstrap.Settings with { Partitions = partitions, DataDirectory = DataDirectory };
        return new ServerBootstrap(settings, ShippedConfig).StartFront(Sys);
    }
}
