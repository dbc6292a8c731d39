using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using KvActors.Server.Ownership;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace KvActors.Server.Persistence;

/// <summary>
/// The embedded storage: the journal and the snapshot store in two SQLite files under the data directory
/// (separate files, so a snapshot write never holds the lock journal commits need).
/// </summary>
public sealed class SqliteStorage : IStorage
{
    private const string JournalPluginId = "akka.persistence.journal.sql";
    private const string SnapshotPluginId = "akka.persistence.snapshot-store.sql";
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    public SqliteStorage(string dataDirectory, Durability durability)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        Durability = durability;
        Ownership = new SqliteOwnershipTable(JournalFile);
    }

    public IOwnershipTable Ownership { get; }

    public string DataDirectory { get; }

    public string Location => DataDirectory;

    public Durability Durability { get; }

    /// <summary>Where a long integrity check reports its progress (start-up, before any logger exists); null: nowhere.</summary>
    public Action<string>? ProgressLog { get; set; }

    /// <summary>How often a long integrity check reports; a shorter check says nothing.</summary>
    public TimeSpan ProgressEvery { get; set; } = TimeSpan.FromSeconds(5);

    public string JournalFile => Path.Combine(DataDirectory, "journal.db");

    public string SnapshotFile => Path.Combine(DataDirectory, "snapshots.db");

    /// <summary>
    /// Checks the files that exist, then creates the missing ones and switches them to write-ahead logging. The
    /// plugin never does this and the connection string cannot; the mode is stored in the file, so it must be done
    /// before the ActorSystem starts.
    /// </summary>
    /// <exception cref="StorageException">A file is damaged, is not a SQLite database, or cannot be opened.</exception>
    public void Prepare()
    {
        Directory.CreateDirectory(DataDirectory);
        using var preparing = WaitForPrepareLock();
        foreach (var file in new[] { JournalFile, SnapshotFile })
        {
            CheckIntegrity(file);
            try
            {
                using var connection = new SqliteConnection(ConnectionString(file));
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=WAL;";
                var mode = command.ExecuteScalar() as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    throw new StorageException($"SQLite refused write-ahead logging on {file} (mode is '{mode}')");
                if (file == JournalFile)
                {
                    command.CommandText = JournalSchema;
                    command.ExecuteNonQuery();
                }
            }
            catch (SqliteException e)
            {
                throw new StorageException($"cannot open {file}: {Reason(e)}", e);
            }
        }

        try
        {
            Ownership.EnsureSchema();
        }
        catch (SqliteException e)
        {
            throw new StorageException($"cannot prepare {JournalFile}: {Reason(e)}", e);
        }

        // Pooled connections would keep the files open in this process; the plugin opens its own.
        SqliteConnection.ClearAllPools();
    }

    // The plugin's own journal table (its auto-initialize keeps an existing one), created here so that the ownership
    // trigger can be attached to it before the first record is written.
    private const string JournalSchema = """
        CREATE TABLE IF NOT EXISTS [journal] (
          [ordering]        INTEGER        NOT NULL PRIMARY KEY AUTOINCREMENT,
          [created]         INTEGER        NOT NULL,
          [deleted]         Bit            NOT NULL,
          [persistence_id]  NVarChar(255)  NOT NULL,
          [sequence_number] INTEGER        NOT NULL,
          [message]         VarBinary      NOT NULL,
          [manifest]        NVarChar(500)      NULL,
          [identifier]      INTEGER            NULL,
          [writer_uuid]     NVarChar(128)      NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS journal_uq ON journal (persistence_id, sequence_number);
        CREATE INDEX IF NOT EXISTS journal_created_idx ON journal (created);
        CREATE INDEX IF NOT EXISTS journal_sequence_number_idx ON journal (sequence_number);
        """;

    // Cluster nodes sharing one directory may start together: one of them must not find a file the other has just
    // created and not yet written (empty, which the integrity check rightly calls truncated). Preparing is done
    // under an OS file lock (flock, released even on kill -9), taken in turn.
    private FileStream WaitForPrepareLock()
    {
        var path = Path.Combine(DataDirectory, "PREPARE.lock");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                Thread.Sleep(50); // another server is preparing; it takes milliseconds
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException($"cannot prepare {DataDirectory}: {path}: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Refuses an existing file that SQLite finds damaged (<c>PRAGMA quick_check</c>: every page of every b-tree
    /// is read and its structure checked), that is not a SQLite database, or that is empty (a file this server
    /// created always has a header, so an empty one was truncated). The check opens the file read-only: it never
    /// writes, checkpoints or repairs. Damage inside a value that leaves the structure intact is beyond it.
    /// </summary>
    private void CheckIntegrity(string file)
    {
        if (!File.Exists(file)) return;
        const string advice = "kv-server never repairs storage: restore the data directory from a backup, or move the file away to start without its data";
        if (new FileInfo(file).Length == 0) throw new StorageException($"{file} is corrupt (empty: truncated?); {advice}");
        try
        {
            var readOnly = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
            using var connection = new SqliteConnection(readOnly.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check(1);";
            object? result;
            using (ProgressLog is { } log ? IntegrityCheckProgress.Start(file, ProgressEvery, log) : null) result = command.ExecuteScalar();
            if (result is not "ok" and var problem)
                throw new StorageException($"{file} is corrupt (quick_check: {problem?.ToString()?.ReplaceLineEndings(" ")}); {advice}");
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            throw new StorageException($"{file} is corrupt ({Reason(e)}); {advice}", e);
        }
        catch (SqliteException e)
        {
            throw new StorageException($"cannot check {file}: {Reason(e)}", e);
        }
    }

    // "SQLite Error 11: 'database disk image is malformed'." -> "database disk image is malformed"
    private static string Reason(SqliteException e)
    {
        var start = e.Message.IndexOf('\'');
        var end = e.Message.LastIndexOf('\'');
        return start >= 0 && end > start ? e.Message[(start + 1)..end] : e.Message;
    }

    public string Describe() => $"SQLite in {DataDirectory} (durability {Durability.ToString().ToLowerInvariant()})";

    /// <summary>Points the journal and snapshot plugins at the files (plugin tuning lives in the server's reference.conf).</summary>
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
