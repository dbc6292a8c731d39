using System.Diagnostics;
using Akka.Configuration;
using KvActors.Server.Persistence;
using KvActors.TestSupport;
using Npgsql;
using Xunit;

namespace KvActors.Tests.Ownership;

/// <summary>
/// A process frozen in the middle of a journal transaction holds the ownership row's lock (the fence trigger reads it
/// FOR SHARE). Our connections tell PostgreSQL to end such a transaction, so a takeover waits about a lease, not
/// until the frozen process resumes.
/// </summary>
public sealed class PostgresOwnershipLockSpec : IDisposable
{
    private readonly PostgresDatabase _database = PostgresDatabase.Create();

    [PostgresFact]
    public async Task A_transaction_left_idle_by_a_frozen_process_should_not_block_a_takeover_for_longer_than_a_lease()
    {
        var storage = new PostgresStorage(_database.ConnectionString, ConfigurationFactory.Empty);
        storage.Prepare();
        Assert.True(await storage.Ownership.TryCreateAsync("p-0", "frozen-owner"));

        // The "frozen" owner: inside a transaction that read the row FOR SHARE, as the fence trigger does, then silent.
        await using var frozen = new NpgsqlConnection(storage.ConnectionString);
        await frozen.OpenAsync();
        await using var transaction = await frozen.BeginTransactionAsync();
        await using (var share = new NpgsqlCommand("SELECT epoch FROM kv_ownership WHERE persistence_id = 'p-0' FOR SHARE", frozen, transaction))
            await share.ExecuteScalarAsync();

        // The taker's compare-and-set waits for the lock, and gets it once the server ended the idle transaction.
        var clock = Stopwatch.StartNew();
        await using var taker = new NpgsqlConnection(storage.ConnectionString);
        await taker.OpenAsync();
        await using (var update = new NpgsqlCommand("UPDATE kv_ownership SET epoch = epoch + 1 WHERE persistence_id = 'p-0'", taker) { CommandTimeout = 30 })
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        Assert.InRange(clock.Elapsed, PostgresStorage.IdleInTransactionTimeout * 0.5, PostgresStorage.IdleInTransactionTimeout * 5);

        // The frozen owner's transaction is gone: nothing it does later commits.
        await Assert.ThrowsAnyAsync<Exception>(() => transaction.CommitAsync());
    }

    public void Dispose() => _database.Dispose();
}
