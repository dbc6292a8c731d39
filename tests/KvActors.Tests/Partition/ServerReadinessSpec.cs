using KvActors.Server.Partition;
using Xunit;

namespace KvActors.Tests.Partition;

public sealed class ServerReadinessSpec
{
    [Fact]
    public void ServerReadiness_should_say_loading_until_every_expected_partition_has_loaded()
    {
        var readiness = new ServerReadiness();
        Assert.True(readiness.IsLoading);
        readiness.FrontStarted(partitions: 2);
        readiness.Report(0, PartitionPhase.Serving);
        Assert.True(readiness.IsLoading);
        readiness.Report(1, PartitionPhase.Loading);
        Assert.True(readiness.IsLoading);
        readiness.Report(1, PartitionPhase.Serving);
        Assert.False(readiness.IsLoading);
        Assert.True(readiness.WhenFirstLoaded.IsCompleted);
        Assert.True(readiness.IsReady);
    }

    [Fact]
    public void ServerReadiness_should_not_say_the_whole_server_is_loading_when_a_partition_loads_after_start()
    {
        // A cluster node: partitions arrive and leave as the cluster places them (a failover moves one here).
        var readiness = new ServerReadiness();
        readiness.FrontStarted(partitions: 0);
        Assert.False(readiness.IsLoading);
        readiness.Report(3, PartitionPhase.Loading);
        Assert.False(readiness.IsLoading);
        Assert.False(readiness.IsReady);
        readiness.Report(3, PartitionPhase.Serving);
        Assert.True(readiness.IsReady);
    }

    [Fact]
    public void ServerReadiness_should_count_a_partition_that_failed_its_start_as_loaded()
    {
        var readiness = new ServerReadiness();
        readiness.FrontStarted(partitions: 1);
        readiness.Report(0, PartitionPhase.Down);
        Assert.False(readiness.IsLoading);
        Assert.False(readiness.IsReady);
    }
}
