using System.Net.Sockets;
using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using KvActors.Server.Ownership;
using LinqToDB;
using Npgsql;

namespace KvActors.Server.Persistence;

/// <summary>
/// The journal and the snapshot store in one PostgreSQL database (tables <c>journal</c>, <c>tags</c> and
/// <c>snapshot</c>, created by the plugin on first use). What an acknowledged write survives is the PostgreSQL
/// server's business: every commit waits for the server's WAL flush (<c>synchronous_commit=on</c>), whatever
/// <see cref="Durability"/> says. There is no data-directory lock: several servers may share one database as
/// long as each owns different partitions.
/// </summary>
public sealed class PostgresStorage : IStorage
{
    private const string JournalPluginId = "akka.persistence.journal.sql";
    private const string SnapshotPluginId = "akka.persistence.snapshot-store.sql";

    private readonly Config _tuning;

    /// <param name="connectionString">An Npgsql connection string naming at least Host and Database.</param>
    /// <param name="tuning">Plugin settings laid over the shared ones (<c>kv.postgres</c>: the server's reference.conf, and kv.conf over it).</param>
    /// <exception cref="ArgumentException">The connection string is malformed or lacks Host or Database.</exception>
    public PostgresStorage(string connectionString, Config tuning)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new ArgumentException($"journal postgres: invalid connection string: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host)) throw new ArgumentException("journal postgres: the connection string needs Host=...");
        if (string.IsNullOrWhiteSpace(builder.Database)) throw new ArgumentException("journal postgres: the connection string needs Database=...");

        // A server, role or database default of synchronous_commit=off would acknowledge writes a PostgreSQL crash
        // can lose. A process frozen inside a journal transaction (SIGSTOP, a stalled VM) would hold the ownership
        // row's lock and stop every takeover of its partitions until it resumed: the server ends such a transaction
        // (rolled back, never acknowledged) once it sat idle as long as an ownership lease lasts. Later -c options
        // win, so an operator's own Options still have the last word.
        builder.Options = $"-c synchronous_commit=on -c idle_in_transaction_session_timeout={(int)IdleInTransactionTimeout.TotalMilliseconds} {builder.Options}".TrimEnd();
        ConnectionString = builder.ConnectionString;
        Host = builder.Host;
        Port = builder.Port;
        Database = builder.Database;
        Username = builder.Username;
        _tuning = tuning;
        Ownership = new PostgresOwnershipTable(ConnectionString);
    }

    /// <summary>How long PostgreSQL lets one of our transactions sit idle before it ends it (the default lease).</summary>
    public static readonly TimeSpan IdleInTransactionTimeout = LeaseSettings.Default.Duration;

    /// <summary>The connection string the plugin uses (may contain a password: never log it).</summary>
    public string ConnectionString { get; }

    public string Host { get; }

    public int Port { get; }

    public string Database { get; }

    public string? Username { get; }

    public IOwnershipTable Ownership { get; }

    public string Location => $"postgresql://{Host}:{Port}/{Database}";

    public string Describe() =>
        $"PostgreSQL database {Database} on {Host}:{Port}{(Username is null ? "" : $" as {Username}")} (synchronous_commit=on)";

    /// <summary>
    /// Connects once, so an unreachable server, a missing database or refused credentials stop the start with one
    /// line instead of a journal that fails later. Tables are left to the plugin (auto-initialize).
    /// </summary>
    public void Prepare()
    {
        try
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            connection.Open();
            using var transaction = connection.BeginTransaction();
            using var command = new NpgsqlCommand(JournalSchema, connection, transaction);
            command.ExecuteNonQuery();
            transaction.Commit();
            Ownership.EnsureSchema();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.TableName == "journal")
        {
            throw new StorageException(
                $"the journal in PostgreSQL database {Database} on {Host}:{Port} holds two events with the same persistence id and " +
                "sequence number (written by two servers at once, before this check existed); resolve them by hand before starting", e);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw new StorageException($"cannot use PostgreSQL database {Database} on {Host}:{Port}: {Reason(e)}", e);
        }
    }

    // The plugin's own journal table on PostgreSQL has no unique key on (persistence_id, sequence_number), so two
    // writers of one stream (two nodes both believing they own a partition, two nodes recording the layout) would
    // both succeed and corrupt it. The table is created here, before the plugin starts (its auto-initialize keeps an
    // existing table), with that unique index added: the second writer's insert then fails, as it must, and the
    // partition restarts from the journal. The advisory lock serializes nodes starting at the same moment.
    private const string JournalSchema = """
        SELECT pg_advisory_xact_lock(7301);
        CREATE TABLE IF NOT EXISTS journal (
          ordering BIGSERIAL NOT NULL CONSTRAINT "PK_journal" PRIMARY KEY,
          created BIGINT NOT NULL,
          deleted BOOLEAN NOT NULL,
          persistence_id TEXT NOT NULL,
          sequence_number BIGINT NOT NULL,
          message BYTEA NOT NULL,
          manifest TEXT NULL,
          identifier INTEGER NULL,
          writer_uuid TEXT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS journal_persistence_id_sequence_number_uq ON journal (persistence_id, sequence_number);
        """;

    // PostgresException carries the server's own words; anything else (refused, timed out) is best told by its root cause.
    private static string Reason(Exception e) =>
        (e is PostgresException p ? p.MessageText : e.GetBaseException().Message).ReplaceLineEndings(" ");

    /// <summary>
    /// Only the Postgres tuning: the connection string travels in <see cref="ToSetup"/>, so a password never lands in
    /// configuration that Akka may log.
    /// </summary>
    public Config ToConfig() => _tuning;

    public MultiDataOptionsSetup ToSetup()
    {
        var options = new DataOptions().UseConnectionString(ProviderName.PostgreSQL, ConnectionString);
        var setup = new MultiDataOptionsSetup();
        setup.AddDataOptions(JournalPluginId, options);
        setup.AddDataOptions(SnapshotPluginId, options);
        return setup;
    }
}
