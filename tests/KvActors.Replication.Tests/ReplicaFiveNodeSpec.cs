using KvActors.Protocol;
using KvActors.Replication.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static KvActors.Replication.Tests.Infrastructure.ReplicaCluster;

namespace KvActors.Replication.Tests;

/// <summary>A group of five replicas, each its own ActorSystem and data directory: it keeps every acknowledged write and
/// takes new ones with any two nodes down, the leader among them, and takes none with three down.</summary>
public sealed class ReplicaFiveNodeSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IAsyncLifetime
{
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Write = TimeSpan.FromSeconds(10);

    private ReplicaCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = ReplicaCluster.Start(size: 5);
        await AwaitAssertAsync(async () => await _cluster.StatesAsync(), StartUp, TimeSpan.FromMilliseconds(50));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Five_replicas_should_survive_two_nodes_down_with_every_acknowledged_write_and_stop_writing_at_three()
    {
        for (var i = 0; i < 20; i++) await _cluster.SetAsync($"k{i}", $"v{i}", Write);
        var leader = -1;
        await AwaitAssertAsync(async () => leader = await _cluster.AgreedLeaderAsync(), Write, TimeSpan.FromMilliseconds(50));
        await _cluster.KillAsync(leader);
        await _cluster.KillAsync(_cluster.Running.First());

        for (var i = 20; i < 40; i++) await _cluster.SetAsync($"k{i}", $"v{i}", Write);
        var survivor = -1;
        await AwaitAssertAsync(async () => survivor = await _cluster.AgreedLeaderAsync(), Write, TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 40; i++)
        {
            var found = Assert.IsType<Found>(await _cluster.Node(survivor).AskAsync(new Get($"k{i}")));
            Assert.Equal($"v{i}", Text(found.Value));
        }

        // Two of five cannot commit: the write is never acknowledged.
        await _cluster.KillAsync(_cluster.Running.First(n => n != survivor));
        var reply = await _cluster.Node(survivor).AskAsync(new Set("lost", Bytes("v")), timeout: TimeSpan.FromSeconds(8));
        Assert.True(reply is NotLeader or KvError { Code: ErrorCode.Unavailable }, $"answered {reply}");
    }
}
