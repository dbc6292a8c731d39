using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace KvActors.Server.Persistence;

/// <summary>
/// The embedded storage: the journal and the snapshot store in two SQLite files under the data directory
/// (separate files, so a snapshot write never holds the lock journal commits need).
/// </summary>
public sealed class SqliteStorage
{
    private const string JournalPluginId = "akka.persistence.journal.sql";
    private const string SnapshotPluginId = "akka.persistence.snapshot-store.sql";

    public SqliteStorage(string dataDirectory, Durability durability)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        Durability = durability;
    }

    public string DataDirectory { get; }

    public Durability Durability { get; }

    public string JournalFile => Path.Combine(DataDirectory, "journal.db");

    public string SnapshotFile => Path.Combine(DataDirectory, "snapshots.db");

    /// <summary>
    /// Creates the files if needed and switches them to write-ahead logging. The plugin never does this and the
    /// connection string cannot; the mode is stored in the file, so it must be done before the ActorSystem starts.
    /// </summary>
    public void PrepareFiles()
    {
        Directory.CreateDirectory(DataDirectory);
        foreach (var file in new[] { JournalFile, SnapshotFile })
        {
            using var connection = new SqliteConnection(ConnectionString(file));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = command.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite refused write-ahead logging on {file} (mode is '{mode}')");
        }

        // Pooled connections would keep the files open in this process; the plugin opens its own.
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Points the journal and snapshot plugins at the files (plugin tuning lives in hocon/kv.conf).</summary>
    public Config ToConfig() => ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.sql {
          connection-string = "{{ConnectionString(JournalFile)}}"
          provider-name = "{{ProviderName.SQLiteMS}}"
        }
        akka.persistence.snapshot-store.sql {
          connection-string = "{{ConnectionString(SnapshotFile)}}"
          provider-name = "{{ProviderName.SQLiteMS}}"
        }
        """);

    /// <summary>linq2db options per plugin, carrying the durability pragma for every connection.</summary>
    public MultiDataOptionsSetup ToSetup()
    {
        var setup = new MultiDataOptionsSetup();
        setup.AddDataOptions(JournalPluginId, DataOptionsFor(JournalFile));
        setup.AddDataOptions(SnapshotPluginId, DataOptionsFor(SnapshotFile));
        return setup;
    }

    private DataOptions DataOptionsFor(string file) => new DataOptions()
        .UseConnectionString(ProviderName.SQLiteMS, ConnectionString(file))
        .UseInterceptor(new SqlitePragmas(Durability));

    private static string ConnectionString(string file) =>
        new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();
}
