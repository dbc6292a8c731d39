using Akka.Event;
using KvActors.Replication.Tests.Infrastructure;
using KvActors.Server.State;
using Xunit;
using Xunit.Abstractions;
using static KvActors.Replication.Tests.Infrastructure.ReplicaCluster;

namespace KvActors.Replication.Tests;

/// <summary>
/// A snapshot larger than one remoting frame can carry is refused by the leader, loudly, instead of being dropped by
/// remoting without a word. Tiny values make the frame budget small (about 200 KB), so long keys exceed it.
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
    public async Task Replica_should_refuse_to_send_a_snapshot_larger_than_a_remoting_frame_and_say_so()
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

        var errors = CreateTestProbe(_cluster.Node(leader).System);
        _cluster.Node(leader).System.EventStream.Subscribe(errors.Ref, typeof(Error));
        _cluster.Restart(follower);

        var error = await errors.FishForMessageAsync<Error>(e => e.Message.ToString()!.Contains("exceed"), StartUp);
        Output?.WriteLine(error.Message.ToString());
        Assert.Contains($"replica {IdOf(follower)} needs the snapshot", error.Message.ToString());
        Assert.Equal(0, (await _cluster.Node(follower).StateAsync()).SnapshotsReceived);
    }
}
