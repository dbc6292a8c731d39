using Microsoft.Data.Sqlite;

namespace KvActors.Server.Ownership;

/// <summary>
/// The ownership table in the SQLite journal file. SQLite runs one write transaction at a time over the whole file,
/// so a takeover and a journal insert are strictly ordered: an insert after the takeover meets the new epoch.
/// Microsoft.Data.Sqlite's async methods complete synchronously, so each call runs on the thread pool, never on the
/// calling actor's thread.
/// </summary>
public sealed class SqliteOwnershipTable(string journalFile) : IOwnershipTable
{
    // The trigger reads the epoch from the record's manifest ("e-changes@7"); a record of a partition that has an
    // owner must carry exactly the current epoch (a manifest without one reads as epoch 0 and is refused too).
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS kv_ownership (
          persistence_id TEXT NOT NULL PRIMARY KEY,
          epoch INTEGER NOT NULL,
          owner TEXT NULL,
          lease_seq INTEGER NOT NULL);
        CREATE TRIGGER IF NOT EXISTS kv_ownership_fence BEFORE INSERT ON journal
        FOR EACH ROW WHEN EXISTS (
          SELECT 1 FROM kv_ownership o
          WHERE o.persistence_id = NEW.persistence_id
            AND o.epoch IS NOT CAST(substr(NEW.manifest, instr(NEW.manifest, '@') + 1) AS INTEGER))
        BEGIN
          SELECT RAISE(ABORT, 'kv-fenced: a newer owner holds this partition');
        END;
        """;

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = journalFile, Pooling = true, DefaultTimeout = 30,
    }.ToString();

    public void EnsureSchema() => Execute(Schema, _ => { }, c => c.ExecuteNonQuery());

    public Task<IReadOnlyList<OwnershipRow>> ReadAllAsync(CancellationToken cancellationToken = default) =>
        Run(() => Execute("SELECT persistence_id, epoch, owner, lease_seq FROM kv_ownership", _ => { }, ReadRows), cancellationToken);

    public Task<OwnershipRow?> ReadAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        Run(() => Execute("SELECT persistence_id, epoch, owner, lease_seq FROM kv_ownership WHERE persistence_id = $id",
            c => c.Parameters.AddWithValue("$id", persistenceId), c => ReadRows(c).SingleOrDefault()), cancellationToken);

    public Task<bool> TryCreateAsync(string persistenceId, string owner, CancellationToken cancellationToken = default) =>
        Run(() => Execute("INSERT OR IGNORE INTO kv_ownership (persistence_id, epoch, owner, lease_seq) VALUES ($id, 1, $owner, 1)",
            c => { c.Parameters.AddWithValue("$id", persistenceId); c.Parameters.AddWithValue("$owner", owner); },
            c => c.ExecuteNonQuery() == 1), cancellationToken);

    public Task<long?> TryTakeAsync(string persistenceId, long expectedLeaseSeq, string owner, CancellationToken cancellationToken = default) =>
        Run(() => Execute("""
                UPDATE kv_ownership SET epoch = epoch + 1, owner = $owner, lease_seq = lease_seq + 1
                WHERE persistence_id = $id AND lease_seq = $seq RETURNING epoch
                """,
            c =>
            {
                c.Parameters.AddWithValue("$id", persistenceId);
                c.Parameters.AddWithValue("$owner", owner);
                c.Parameters.AddWithValue("$seq", expectedLeaseSeq);
            },
            c => c.ExecuteScalar() is long epoch ? epoch : (long?)null), cancellationToken);

    public Task<bool> RenewAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default) =>
        Run(() => Execute("UPDATE kv_ownership SET lease_seq = lease_seq + 1 WHERE persistence_id = $id AND epoch = $epoch",
            c => { c.Parameters.AddWithValue("$id", persistenceId); c.Parameters.AddWithValue("$epoch", epoch); },
            c => c.ExecuteNonQuery() == 1), cancellationToken);

    public Task<long> HighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        Run(() => Execute("SELECT COALESCE(MAX(sequence_number), 0) FROM journal WHERE persistence_id = $id",
            c => c.Parameters.AddWithValue("$id", persistenceId),
            c => (long)c.ExecuteScalar()!), cancellationToken);

    public Task ReleaseAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default) =>
        Run(() => Execute("UPDATE kv_ownership SET owner = NULL, lease_seq = lease_seq + 1 WHERE persistence_id = $id AND epoch = $epoch",
            c => { c.Parameters.AddWithValue("$id", persistenceId); c.Parameters.AddWithValue("$epoch", epoch); },
            c => c.ExecuteNonQuery()), cancellationToken);

    private static IReadOnlyList<OwnershipRow> ReadRows(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<OwnershipRow>();
        while (reader.Read())
            rows.Add(new OwnershipRow(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3)));
        return rows;
    }

    private T Execute<T>(string sql, Action<SqliteCommand> bind, Func<SqliteCommand, T> run)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return run(command);
    }

    private static Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken) => Task.Run(work, cancellationToken);
}
