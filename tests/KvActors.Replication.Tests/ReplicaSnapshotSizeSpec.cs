using KvActors.Protocol;
using KvActors.Replication.Tests.Infrastructure;
using KvActors.Server.State;
using Xunit;
using Xunit.Abstractions;
using static KvActors.Replication.Tests.Infrastructure.ReplicaCluster;

namespace KvActors.Replication.Tests;

/// <summary>
/// A snapshot larger than one remoting frame can carry goes to a follower in acknowledged pieces, and the follower
/// catches up from it. Tiny values make the frame budget small (about 200 KB), so long keys exceed it.
/// </summary>
public sealed class ReplicaSnapshotSizeSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IAsyncLifetime
{
    private static readonly ReplicationSettings TinyFrames = Settings with
    {
        Limits = new StoreLimits(MaxValueBytes: 16), SnapshotEvery = 20, SnapshotCatchUpEntries = 5,
    };

    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private ReplicaCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = ReplicaCluster.Start(settings: TinyFrames);
        await AwaitAssertAsync(async () => await _cluster.StatesAsync(), StartUp, Poll);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Replica_should_send_a_snapshot_larger_than_a_remoting_frame_in_pieces_and_the_follower_catch_up_from_it()
    {
        await _cluster.SetAsync("first", "v", TimeSpan.FromSeconds(5));
        var leader = await _cluster.AgreedLeaderAsync();
        var follower = _cluster.Running.First(n => n != leader);
        await _cluster.KillAsync(follower);

        // 60 keys of 4000 bytes: a state of some 240 KB, past the budget.
        var key = new string('k', 4000);
        for (var i = 0; i < 60; i++) await _cluster.SetAsync($"{i:00}{key}", "v", TimeSpan.FromSeconds(5));
        var stopped = 2UL; // the follower held at most the no-op and "first"
        await AwaitAssertAsync(async () =>
            Assert.True((await _cluster.Node(leader).StateAsync()).FirstIndex > stopped + 1), StartUp, Poll);
        Assert.True(TinyFrames.MaxSnapshotBytes < 240_000, $"the frame budget is {TinyFrames.MaxSnapshotBytes} bytes");

        _cluster.Restart(follower);
        await AwaitAssertAsync(async () =>
        {
            var state = await _cluster.Node(follower).StateAsync();
            Assert.True(state.SnapshotsReceived >= 1, state.ToString());
            var found = Assert.IsType<Found>(await _cluster.Node(follower).AskAsync(new StaleRead(new Get($"59{key}"))));
            Assert.Equal("v", Text(found.Value));
        }, StartUp, Poll);
    }
}
