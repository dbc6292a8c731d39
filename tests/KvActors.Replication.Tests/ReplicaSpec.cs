using KvActors.Protocol;
using KvActors.Raft;
using KvActors.Replication.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static KvActors.Replication.Tests.Infrastructure.ReplicaCluster;

namespace KvActors.Replication.Tests;

/// <summary>
/// A partition replicated over three nodes in one process, each its own ActorSystem talking over Akka.Remote on
/// loopback and keeping its replica's log in its own SQLite data directory.
/// </summary>
public sealed class ReplicaSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IAsyncLifetime
{
    private static readonly TimeSpan Election = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Write = TimeSpan.FromSeconds(5);

    private ReplicaCluster _cluster = null!;

    // Recovering is not what these specs time: the first journal access of a process (Akka.Persistence.Sql and
    // linq2db warming up) alone can take seconds on a busy machine.
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);

    public async Task InitializeAsync()
    {
        _cluster = ReplicaCluster.Start();
        await AwaitAssertAsync(async () => await _cluster.StatesAsync(), StartUp, TimeSpan.FromMilliseconds(50));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<int> AwaitLeaderAsync()
    {
        var leader = -1;
        await AwaitAssertAsync(async () => leader = await _cluster.AgreedLeaderAsync(), Election, TimeSpan.FromMilliseconds(50));
        return leader;
    }

    private async Task AwaitReadableLocallyAsync(int node, string key, string value) =>
        await AwaitAssertAsync(async () =>
        {
            var found = Assert.IsType<Found>(await _cluster.Node(node).AskAsync(new StaleRead(new Get(key))));
            Assert.Equal(value, Text(found.Value));
        }, Write, TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Replica_should_acknowledge_a_write_once_a_majority_holds_it_and_serve_it_from_every_replica_after_it_applies()
    {
        var leader = await AwaitLeaderAsync();
        // Settled: every replica holds and has applied the whole log, so the next entry's index is known.
        var last = 0UL;
        await AwaitAssertAsync(async () =>
        {
            var states = await _cluster.StatesAsync();
            last = states[0].LastIndex;
            Assert.All(states, s => Assert.True(s.DurableLastIndex == last && s.Applied == last, s.ToString()));
        }, Election, TimeSpan.FromMilliseconds(20));

        var written = Assert.IsType<Written>(await _cluster.Node(leader).AskAsync(new Set("k", Bytes("v"))));

        // Acknowledged: so its entry (at index last + 1 or later) is on the disks of a majority already.
        var states = await _cluster.StatesAsync();
        Assert.True(states.Count(s => s.DurableLastIndex > last) >= 2, string.Join("; ", states));
        Assert.True(states.Single(s => s.ReplicaId == IdOf(leader)).Commit > last);
        var read = Assert.IsType<Found>(await _cluster.Node(leader).AskAsync(new Get("k")));
        Assert.Equal(("v", written.Revision), (Text(read.Value), read.Revision));
        foreach (var node in _cluster.Running) await AwaitReadableLocallyAsync(node, "k", "v");
    }

    [Fact]
    public async Task Replica_should_sweep_expired_keys_through_the_log_so_every_replica_drops_them()
    {
        var leader = await AwaitLeaderAsync();
        var expiring = Assert.IsType<Written>(await _cluster.Node(leader).AskAsync(
            new Set("short-lived", Bytes("v"), Expiry: Expiry.At(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 300))));
        Assert.IsType<Written>(await _cluster.Node(leader).AskAsync(new Set("kept", Bytes("v"))));

        // The deletion is an entry of its own, after both writes: every replica applies it, and holds one key.
        await AwaitAssertAsync(async () =>
        {
            foreach (var state in await _cluster.StatesAsync()) Assert.True(state.Revision == expiring.Revision + 2, state.ToString());
        }, Write, TimeSpan.FromMilliseconds(50));
        var stats = Assert.IsType<StoreStats>(await _cluster.Node(leader).AskAsync(new GetStats()));
        Assert.Equal(1, stats.Keys);
    }

    [Fact]
    public async Task Replica_should_answer_a_request_on_a_follower_with_NotLeader_naming_the_leader()
    {
        var leader = await AwaitLeaderAsync();
        foreach (var follower in _cluster.Running.Where(n => n != leader))
        {
            foreach (IKvRequest request in new IKvRequest[] { new Set("k", Bytes("v")), new Get("k") })
            {
                var notLeader = Assert.IsType<NotLeader>(await _cluster.Node(follower).AskAsync(request));
                Assert.Equal((Partition, IdOf(leader), _cluster.Node(leader).Address.ToString()),
                    (notLeader.Partition, notLeader.LeaderId, notLeader.LeaderNode));
            }
        }

        // Not applied anywhere.
        Assert.Equal(ErrorCode.NotFound, Assert.IsType<KvError>(await _cluster.Node(leader).AskAsync(new Get("k"))).Code);
    }

    [Fact]
    public async Task Replica_should_elect_a_new_leader_when_the_leader_dies_and_keep_every_acknowledged_write()
    {
        const int keys = 20;
        for (var i = 0; i < keys; i++) await _cluster.SetAsync($"k{i}", $"v{i}", Write);
        var oldLeader = await AwaitLeaderAsync();

        await _cluster.KillAsync(oldLeader);

        var newLeader = await AwaitLeaderAsync();
        Assert.NotEqual(oldLeader, newLeader);
        for (var i = 0; i < keys; i++)
        {
            var found = Assert.IsType<Found>(await _cluster.Node(newLeader).AskAsync(new Get($"k{i}")));
            Assert.Equal($"v{i}", Text(found.Value));
        }

        Assert.IsType<Written>(await _cluster.Node(newLeader).AskAsync(new Set("after", Bytes("failover"))));
    }

    [Fact]
    public async Task Replica_should_recover_its_log_from_its_data_directory_and_catch_up_after_a_restart()
    {
        for (var i = 0; i < 10; i++) await _cluster.SetAsync($"before{i}", $"v{i}", Write);
        var leader = await AwaitLeaderAsync();
        var follower = _cluster.Running.First(n => n != leader);
        await AwaitReadableLocallyAsync(follower, "before9", "v9");
        var durable = (await _cluster.Node(follower).StateAsync()).DurableLastIndex;

        await _cluster.KillAsync(follower);
        for (var i = 0; i < 10; i++) await _cluster.SetAsync($"after{i}", $"v{i}", Write);
        _cluster.Restart(follower);

        await AwaitAssertAsync(async () =>
            Assert.True((await _cluster.Node(follower).StateAsync()).RecoveredLastIndex >= durable), StartUp, TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 10; i++)
        {
            await AwaitReadableLocallyAsync(follower, $"before{i}", $"v{i}");
            await AwaitReadableLocallyAsync(follower, $"after{i}", $"v{i}");
        }
    }

    [Fact]
    public async Task Replica_should_not_acknowledge_a_write_when_only_a_minority_is_up()
    {
        var leader = await AwaitLeaderAsync();
        foreach (var follower in _cluster.Running.Where(n => n != leader).ToArray()) await _cluster.KillAsync(follower);

        // The lone leader may take the write into its log, but can never commit it: once check-quorum deposes it,
        // it answers that the outcome is unknown (or, if deposed already, that it does not lead).
        var reply = await _cluster.Node(leader).AskAsync(new Set("lost", Bytes("v")), timeout: TimeSpan.FromSeconds(8));
        Assert.True(reply is NotLeader or KvError { Code: ErrorCode.Unavailable }, $"answered {reply}");
        Assert.Equal(ErrorCode.NotFound, Assert.IsType<KvError>(await _cluster.Node(leader).AskAsync(new StaleRead(new Get("lost")))).Code);
        Assert.NotEqual(RaftRole.Leader, (await _cluster.Node(leader).StateAsync()).Role);
    }
    [Fact]
    public async Task Replica_should_decide_concurrent_writes_against_each_other_and_commit_them_in_shared_entries()
    {
        const int increments = 200, creates = 50;
        var leader = await AwaitLeaderAsync();
        var before = (await _cluster.Node(leader).StateAsync()).LastIndex;

        var node = _cluster.Node(leader);
        var incremented = Enumerable.Range(0, increments).Select(_ => node.AskAsync(new Increment("counter", 1), timeout: Write)).ToArray();
        var created = Enumerable.Range(0, creates).Select(i => node.AskAsync(new Create("once", Bytes($"{i}")), timeout: Write)).ToArray();
        var counts = (await Task.WhenAll(incremented)).Select(r => Text(Assert.IsType<Found>(r).Value)).ToHashSet();
        var creations = await Task.WhenAll(created);

        // Each increment saw every one decided before it, committed or not: the counts are 1..N, each once.
        Assert.Equal(Enumerable.Range(1, increments).Select(i => $"{i}").ToHashSet(), counts);
        Assert.Single(creations.OfType<Written>());
        Assert.All(creations.Where(r => r is not Written), r => Assert.Equal(ErrorCode.AlreadyExists, Assert.IsType<KvError>(r).Code));
        // Group commit: writes decided while the leader's previous write was in flight share an entry.
        var entries = (await node.StateAsync()).LastIndex - before;
        Output?.WriteLine($"{increments + creates} concurrent writes took {entries} log entries");
        Assert.True(entries < increments + creates, $"{entries} entries for {increments + creates} writes");
        foreach (var n in _cluster.Running) await AwaitReadableLocallyAsync(n, "counter", $"{increments}");
    }

    [Fact]
    public async Task Replica_should_keep_every_acknowledged_write_when_every_replica_restarts_from_its_data_directory()
    {
        const int keys = 20;
        for (var i = 0; i < keys; i++) await _cluster.SetAsync($"k{i}", $"v{i}", Write);

        foreach (var node in _cluster.Running.ToArray()) await _cluster.KillAsync(node);
        for (var node = 0; node < _cluster.Size; node++) _cluster.Restart(node);

        await AwaitAssertAsync(async () => await _cluster.StatesAsync(), StartUp, TimeSpan.FromMilliseconds(50));
        var leader = await AwaitLeaderAsync();
        for (var i = 0; i < keys; i++)
        {
            var found = Assert.IsType<Found>(await _cluster.Node(leader).AskAsync(new Get($"k{i}")));
            Assert.Equal($"v{i}", Text(found.Value));
        }

        foreach (var node in _cluster.Running) await AwaitReadableLocallyAsync(node, $"k{keys - 1}", $"v{keys - 1}");
    }
}
