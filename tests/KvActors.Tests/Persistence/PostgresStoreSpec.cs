using System.Collections.Concurrent;
using System.Text;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace KvActors.Tests.Persistence;

/// <summary>
/// The store on a PostgreSQL journal and snapshot store, in whole ActorSystems that are terminated and started
/// again against the same database. Each spec gets a database of its own.
/// </summary>
public sealed class PostgresStoreSpec : IDisposable
{
    // xunit constructs the class only for specs it runs, so a skipped spec creates no database.
    private readonly PostgresDatabase _database = PostgresDatabase.Create();

    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);

    private ServerSettings Settings(int snapshotEvery = 50_000) =>
        new() { Port = 0, Journal = _database.Journal, SnapshotEvery = snapshotEvery };

    [PostgresFact]
    public async Task Store_should_keep_every_acknowledged_write_across_a_restart_of_the_whole_server()
    {
        var acknowledged = new ConcurrentDictionary<string, (string Value, long Revision)>();
        const int writers = 32, writesEach = 25;

        await using (var server = await StandaloneServer.StartAsync(Settings()))
        {
            await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
            {
                for (var i = 0; i < writesEach; i++)
                {
                    var key = $"w{w}-k{i % 10}";
                    var value = $"{w}:{i}";
                    var written = Assert.IsType<Written>(await server.AskAsync(new Set(key, V(value))));
                    acknowledged[key] = (value, written.Revision);
                }
            }));
        }

        await using var restarted = await StandaloneServer.StartAsync(Settings());
        var stats = Assert.IsType<StoreStats>(await restarted.AskAsync(GetStats.Instance));
        Assert.Equal(writers * writesEach, stats.Revision);
        Assert.Equal(acknowledged.Count, stats.Keys);
        var address = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        Assert.Equal($"postgresql://{address.Host}:{address.Port}/{_database.Name}", stats.DataDirectory);
        foreach (var (key, (value, revision)) in acknowledged)
        {
            var found = Assert.IsType<Found>(await restarted.AskAsync(new Get(key)));
            Assert.Equal(value, Encoding.UTF8.GetString(found.Value));
            Assert.Equal(revision, found.Revision);
        }

        Assert.Equal(writers * writesEach + 1, Assert.IsType<Written>(await restarted.AskAsync(new Set("next", V("x")))).Revision);
    }

    [PostgresFact]
    public async Task Store_should_snapshot_compact_and_recover_from_the_snapshot_plus_later_events()
    {
        long snapshotAt = 0;
        await using (var server = await StandaloneServer.StartAsync(Settings(snapshotEvery: 10)))
        {
            for (var i = 1; i <= 25; i++) Assert.IsType<Written>(await server.AskAsync(new Set($"k{i % 7}", V($"v{i}"))));

            // As on SQLite: one snapshot (at 20, or later if one was still saving), and only the events after it
            // plus the highest covered one (kept, marked deleted, so sequence numbers never restart).
            await Eventually.AssertAsync(() =>
            {
                Assert.Equal(1, _database.Scalar("SELECT COUNT(*) FROM snapshot"));
                snapshotAt = _database.Scalar("SELECT MAX(sequence_number) FROM snapshot");
                Assert.InRange(snapshotAt, 20, 25);
                Assert.Equal(25 - snapshotAt + 1, _database.Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id = 'kv-partition-0'"));
                return Task.CompletedTask;
            }, TimeSpan.FromSeconds(20));
        }

        await using var restarted = await StandaloneServer.StartAsync(Settings(snapshotEvery: 10));
        var stats = Assert.IsType<StoreStats>(await restarted.AskAsync(GetStats.Instance));
        Assert.Equal((7, 25L, snapshotAt, 25L), (stats.Keys, stats.Revision, stats.SnapshotSequenceNr, stats.JournalSequenceNr));
        for (var i = 19; i <= 25; i++)
        {
            var found = Assert.IsType<Found>(await restarted.AskAsync(new Get($"k{i % 7}")));
            Assert.Equal($"v{i}", Encoding.UTF8.GetString(found.Value));
            Assert.Equal(i, found.Revision);
        }
    }

    [PostgresFact]
    public async Task Store_should_answer_Unavailable_while_PostgreSQL_is_gone_and_serve_again_when_it_is_back()
    {
        await using var server = await StandaloneServer.StartAsync(Settings());
        Assert.IsType<Written>(await server.AskAsync(new Set("before", V("1"))));

        // Connections are cut and refused, as when the database server goes away under the running store.
        _database.RefuseConnections();
        Assert.Equal(ErrorCode.Unavailable, Assert.IsType<KvError>(await server.AskAsync(new Set("during", V("2")), TimeSpan.FromSeconds(30))).Code);

        // While the store is down or failing to recover, every request gets an immediate error, never silence.
        Assert.Equal(ErrorCode.Unavailable, Assert.IsType<KvError>(await server.AskAsync(new Get("before"), TimeSpan.FromSeconds(15))).Code);

        _database.AllowConnections();
        await Eventually.AssertAsync(
            async () => Assert.IsType<Written>(await server.AskAsync(new Set("after", V("3")), TimeSpan.FromSeconds(2))),
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));

        Assert.Equal("1", Encoding.UTF8.GetString(Assert.IsType<Found>(await server.AskAsync(new Get("before"))).Value));
        Assert.Equal(ErrorCode.NotFound, Assert.IsType<KvError>(await server.AskAsync(new Get("during"))).Code);
    }

    public void Dispose() => _database.Dispose();
}
