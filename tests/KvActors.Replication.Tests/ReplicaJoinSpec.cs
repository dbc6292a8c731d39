using KvActors.Protocol;
using KvActors.Raft;
using KvActors.Replication.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static KvActors.Replication.Tests.Infrastructure.ReplicaCluster;

namespace KvActors.Replication.Tests;

/// <summary>
/// A node that comes back on an emptied data directory (a lost disk, a replaced machine at the same address) must not
/// take its founding replica's place: that replica voted and acknowledged entries the directory no longer holds. It
/// rejoins under a new id, is re-filled from the leader as a learner, and replaces its old incarnation as a voter.
/// </summary>
public sealed class ReplicaJoinSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IAsyncLifetime
{
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Write = TimeSpan.FromSeconds(10);

    private ReplicaCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = ReplicaCluster.Start();
        await AwaitAssertAsync(async () => await _cluster.StatesAsync(), StartUp, TimeSpan.FromMilliseconds(50));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_node_restarted_on_an_emptied_directory_should_rejoin_under_a_new_id_be_refilled_and_count_in_quorums()
    {
        for (var i = 0; i < 200; i++) await _cluster.SetAsync($"k{i}", $"v{i}", Write);
        var leader = await LeaderAsync();
        var wiped = (leader + 1) % _cluster.Size;
        var other = 3 - leader - wiped;

        await _cluster.KillAsync(wiped);
        _cluster.Wipe(wiped);
        _cluster.Restart(wiped);
        for (var i = 200; i < 300; i++) await _cluster.SetAsync($"k{i}", $"v{i}", Write);

        // Every replica applies a membership of the three nodes in which the wiped node's replica has a new id.
        ulong rejoined = 0;
        await AwaitAssertAsync(async () =>
        {
            var state = await _cluster.Node(wiped).StateAsync();
            rejoined = state.ReplicaId;
            Assert.NotEqual(IdOf(wiped), rejoined);
            Assert.Equal(IdOf(wiped), ReplicaGroup.SlotOf(rejoined));
            foreach (var s in await _cluster.StatesAsync())
                Assert.Equal(ConfState.OfVoters(IdOf(leader), IdOf(other), rejoined), s.Members);
        }, StartUp, TimeSpan.FromMilliseconds(100));

        // With the third node gone, the two left are a quorum only if the rejoined replica truly holds the log.
        await _cluster.KillAsync(other);
        await _cluster.SetAsync("after", "x", Write);
        await _cluster.KillAsync(leader);
        _cluster.Restart(leader);
        await _cluster.SetAsync("after-restart", "y", Write);
        for (var i = 0; i < 300; i++)
        {
            var key = $"k{i}";
            await AwaitAssertAsync(async () =>
            {
                var found = Assert.IsType<Found>(await _cluster.Node(wiped).AskAsync(new StaleRead(new Get(key))));
                Assert.Equal($"v{key[1..]}", Text(found.Value));
            }, Write, TimeSpan.FromMilliseconds(20));
        }

        // Restarted on its directory, it keeps its new id: the incarnation is recorded.
        await _cluster.KillAsync(wiped);
        _cluster.Restart(wiped);
        await AwaitAssertAsync(async () => Assert.Equal(rejoined, (await _cluster.Node(wiped).StateAsync()).ReplicaId), StartUp,
            TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_group_should_elect_under_its_new_membership_when_only_the_rejoined_replica_and_one_other_restart()
    {
        for (var i = 0; i < 20; i++) await _cluster.SetAsync($"k{i}", $"v{i}", Write);
        var leader = await LeaderAsync();
        var wiped = (leader + 1) % _cluster.Size;
        var other = 3 - leader - wiped;
        await _cluster.KillAsync(wiped);
        _cluster.Wipe(wiped);
        _cluster.Restart(wiped);
        ulong rejoined = 0;
        await AwaitAssertAsync(async () =>
        {
            rejoined = (await _cluster.Node(wiped).StateAsync()).ReplicaId;
            foreach (var s in await _cluster.StatesAsync())
                Assert.Equal(ConfState.OfVoters(IdOf(leader), IdOf(other), rejoined), s.Members);
        }, StartUp, TimeSpan.FromMilliseconds(100));

        // The promotion is the group's last entry: a replica that did not record its commit would restart under the
        // membership before it, in which the old leader's vote is needed and the rejoined replica has none.
        foreach (var node in _cluster.Running.ToArray()) await _cluster.KillAsync(node);
        _cluster.Restart(other);
        _cluster.Restart(wiped);
        await _cluster.SetAsync("after", "x", Write);
    }

    [Fact]
    public async Task A_directory_from_before_recorded_incarnations_should_start_its_founding_replica_from_its_journal()
    {
        for (var i = 0; i < 20; i++) await _cluster.SetAsync($"k{i}", $"v{i}", Write);
        var leader = await LeaderAsync();
        var upgraded = (leader + 1) % _cluster.Size;
        await _cluster.KillAsync(upgraded);
        // As such a node left it: a replication record without the incarnations key, and no raft-incarnation file.
        File.Delete(Path.Combine(_cluster.DataDirectory(upgraded), NodeIncarnation.FileName));
        await File.WriteAllTextAsync(Path.Combine(_cluster.DataDirectory(upgraded), KvActors.Server.Partitioning.ReplicationRecord.FileName),
            "mode = raft\nreplicas = 3\nmembers = []\n");
        _cluster.Restart(upgraded);

        await AwaitAssertAsync(async () =>
        {
            var state = await _cluster.Node(upgraded).StateAsync();
            Assert.Equal(IdOf(upgraded), state.ReplicaId);
            Assert.True(state.RecoveredLastIndex > 2, state.ToString());
        }, StartUp, TimeSpan.FromMilliseconds(100));
        Assert.Equal("0", (await File.ReadAllTextAsync(Path.Combine(_cluster.DataDirectory(upgraded), NodeIncarnation.FileName))).Trim());
    }

    private async Task<int> LeaderAsync()
    {
        var leader = -1;
        await AwaitAssertAsync(async () => leader = await _cluster.AgreedLeaderAsync(), Write, TimeSpan.FromMilliseconds(50));
        return leader;
    }
}
