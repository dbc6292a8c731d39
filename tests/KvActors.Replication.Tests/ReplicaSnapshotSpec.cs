using KvActors.Protocol;
using KvActors.Replication.Replica;
using KvActors.Replication.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static KvActors.Replication.Tests.Infrastructure.ReplicaCluster;

namespace KvActors.Replication.Tests;

/// <summary>
/// Snapshots and compaction on three real nodes: a snapshot every few entries, so a few dozen writes pass several,
/// and the journal, the snapshot store and the in-memory log are checked as they really are.
/// </summary>
public sealed class ReplicaSnapshotSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IAsyncLifetime
{
    private const int SnapshotEvery = 20;
    private const int CatchUpEntries = 5;

    private static readonly ReplicationSettings Frequent = Settings with { SnapshotEvery = SnapshotEvery, SnapshotCatchUpEntries = CatchUpEntries };
    private static readonly TimeSpan Election = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Write = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private ReplicaCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = ReplicaCluster.Start(settings: Frequent);
        await AwaitAssertAsync(async () => await _cluster.StatesAsync(), StartUp, Poll);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<int> AwaitLeaderAsync()
    {
        var leader = -1;
        await AwaitAssertAsync(async () => leader = await _cluster.AgreedLeaderAsync(), Election, Poll);
        return leader;
    }

    private async Task WriteAsync(string prefix, int count)
    {
        for (var i = 0; i < count; i++) await _cluster.SetAsync($"{prefix}{i}", $"v{i}", Write);
    }

    private async Task AwaitEveryKeyLocallyAsync(int node, string prefix, int count) =>
        await AwaitAssertAsync(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                var reply = await _cluster.Node(node).AskAsync(new StaleRead(new Get($"{prefix}{i}")));
                Assert.True(reply is Found, $"{prefix}{i} on node {node}: {reply}; {string.Join("; ", await _cluster.StatesAsync())}");
                Assert.Equal($"v{i}", Text(((Found)reply).Value));
            }
        }, StartUp, Poll);

    private void AssertCompacted()
    {
        const int writes = 100;
        for (var node = 0; node < _cluster.Size; node++)
        {
            var persistenceId = ReplicaActor.PersistenceIdOf(Partition, IdOf(node));
            var rows = SqliteProbe.JournalRows(_cluster.DataDirectory(node), persistenceId);
            var snapshots = SqliteProbe.SnapshotRows(_cluster.DataDirectory(node), persistenceId);
            Output?.WriteLine($"node {node}: {rows} journal rows after {writes} writes, {snapshots} snapshot(s)");
            // The events a snapshot covers were deleted: well under one row per write remains.
            Assert.True(rows < writes / 2, $"node {node} keeps {rows} journal rows for {writes} writes");
            // Older snapshots were deleted too.
            Assert.Equal(1, snapshots);
        }
    }

    [Fact]
    public async Task Replica_should_recover_from_its_snapshot_and_the_journal_tail_after_a_restart_with_every_acknowledged_write()
    {
        const int writes = 100;
        await WriteAsync("k", writes);
        // Every replica has applied past several snapshots.
        await AwaitAssertAsync(async () =>
            Assert.All(await _cluster.StatesAsync(), s => Assert.True(s.SnapshotIndex >= 3 * SnapshotEvery && s.FirstIndex > 1, s.ToString())),
            StartUp, Poll);
        // A snapshot counts as taken once saved; the deletes behind it follow: wait for them in the files (WAL lets a
        // reader look while the node writes), and look again once the nodes are down.
        await AwaitAssertAsync(AssertCompacted, StartUp, Poll);
        var before = await _cluster.StatesAsync();

        foreach (var node in _cluster.Running.ToArray()) await _cluster.KillAsync(node);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        AssertCompacted();

        // Every node restarts at once: nothing but its own data directory can give it the writes.
        for (var node = 0; node < _cluster.Size; node++) _cluster.Restart(node);
        await AwaitAssertAsync(async () => await _cluster.StatesAsync(), StartUp, Poll);
        foreach (var recovered in await _cluster.StatesAsync())
        {
            var old = before.Single(s => s.ReplicaId == recovered.ReplicaId);
            Assert.True(recovered.SnapshotIndex >= old.SnapshotIndex && recovered.RecoveredLastIndex >= recovered.SnapshotIndex, $"{old} then {recovered}");
        }

        foreach (var node in _cluster.Running) await AwaitEveryKeyLocallyAsync(node, "k", writes);
        var leader = await AwaitLeaderAsync();
        for (var i = 0; i < writes; i++)
            Assert.Equal($"v{i}", Text(Assert.IsType<Found>(await _cluster.Node(leader).AskAsync(new Get($"k{i}"))).Value));
    }

    [Fact]
    public async Task Replica_should_bring_a_follower_whose_entries_the_leader_compacted_away_up_to_date_with_a_snapshot()
    {
        await WriteAsync("before", 10);
        var leader = await AwaitLeaderAsync();
        var follower = _cluster.Running.First(n => n != leader);
        await AwaitEveryKeyLocallyAsync(follower, "before", 10);
        var stopped = await _cluster.Node(follower).StateAsync();

        await _cluster.KillAsync(follower);
        const int writes = 100;
        await WriteAsync("after", writes);
        // The leader compacted past everything the follower holds: appends alone cannot bring it back.
        await AwaitAssertAsync(async () =>
        {
            var leading = await _cluster.Node(await _cluster.AgreedLeaderAsync()).StateAsync();
            Assert.True(leading.FirstIndex > stopped.DurableLastIndex + 1, $"{leading}, the follower stopped at {stopped.DurableLastIndex}");
        }, StartUp, Poll);

        _cluster.Restart(follower);
        await AwaitAssertAsync(async () => Assert.True((await _cluster.Node(follower).StateAsync()).SnapshotsReceived >= 1), StartUp, Poll);
        await AwaitEveryKeyLocallyAsync(follower, "before", 10);
        await AwaitEveryKeyLocallyAsync(follower, "after", writes);
        // And it keeps replicating by appends after the snapshot.
        await WriteAsync("later", 1);
        await AwaitEveryKeyLocallyAsync(follower, "later", 1);
        // The installed snapshot went to the follower's snapshot store too, and the journal event holding it was deleted.
        await AwaitAssertAsync(async () =>
        {
            var state = await _cluster.Node(follower).StateAsync();
            Assert.True(state.SnapshotIndex > stopped.DurableLastIndex, state.ToString());
        }, StartUp, Poll);
    }
}
