using Npgsql;

namespace KvActors.Server.Ownership;

/// <summary>
/// The ownership table in the PostgreSQL journal database. The fencing trigger reads the partition's row
/// <c>FOR SHARE</c>, so a takeover (an UPDATE of that row) waits for journal inserts already past the check to commit,
/// and inserts that come after it see the new epoch: the new owner recovers everything the old one got in, and nothing
/// of the old one's lands afterwards. Every statement here runs alone (autocommit) and touches one row, so it never
/// holds one row lock while waiting for another, and cannot deadlock with a journal batch that spans partitions.
/// </summary>
public sealed class PostgresOwnershipTable(string connectionString) : IOwnershipTable
{
    private const string Schema = """
        SELECT pg_advisory_xact_lock(7302);
        CREATE TABLE IF NOT EXISTS kv_ownership (
          persistence_id TEXT NOT NULL PRIMARY KEY,
          epoch BIGINT NOT NULL,
          owner TEXT NULL,
          lease_seq BIGINT NOT NULL);
        CREATE OR REPLACE FUNCTION kv_ownership_fence() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          held BIGINT;
        BEGIN
          SELECT epoch INTO held FROM kv_ownership WHERE persistence_id = NEW.persistence_id FOR SHARE;
          IF FOUND AND held IS DISTINCT FROM (CASE WHEN strpos(NEW.manifest, '@') > 0
              THEN substr(NEW.manifest, strpos(NEW.manifest, '@') + 1)::BIGINT ELSE 0 END) THEN
            RAISE EXCEPTION 'kv-fenced: a newer owner holds partition %', NEW.persistence_id;
          END IF;
          RETURN NEW;
        END $$;
        CREATE OR REPLACE TRIGGER kv_ownership_fence BEFORE INSERT ON journal
          FOR EACH ROW EXECUTE FUNCTION kv_ownership_fence();
        """;

    public void EnsureSchema()
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = new NpgsqlCommand(Schema, connection, transaction);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    public async Task<IReadOnlyList<OwnershipRow>> ReadAllAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT persistence_id, epoch, owner, lease_seq FROM kv_ownership", [], cancellationToken);

    public async Task<OwnershipRow?> ReadAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT persistence_id, epoch, owner, lease_seq FROM kv_ownership WHERE persistence_id = $1",
            [persistenceId], cancellationToken)).SingleOrDefault();

    public async Task<bool> TryCreateAsync(string persistenceId, string owner, CancellationToken cancellationToken = default) =>
        await NonQueryAsync("INSERT INTO kv_ownership VALUES ($1, 1, $2, 1) ON CONFLICT (persistence_id) DO NOTHING",
            [persistenceId, owner], cancellationToken) == 1;

    public async Task<long?> TryTakeAsync(string persistenceId, long expectedLeaseSeq, string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE kv_ownership SET epoch = epoch + 1, owner = $2, lease_seq = lease_seq + 1
            WHERE persistence_id = $1 AND lease_seq = $3 RETURNING epoch
            """, [persistenceId, owner, expectedLeaseSeq]);
        return await command.ExecuteScalarAsync(cancellationToken) is long epoch ? epoch : null;
    }

    public async Task<bool> RenewAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default) =>
        await NonQueryAsync("UPDATE kv_ownership SET lease_seq = lease_seq + 1 WHERE persistence_id = $1 AND epoch = $2",
            [persistenceId, epoch], cancellationToken) == 1;

    public async Task<long> HighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT COALESCE(MAX(sequence_number), 0) FROM journal WHERE persistence_id = $1", [persistenceId]);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task ReleaseAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default) =>
        await NonQueryAsync("UPDATE kv_ownership SET owner = NULL, lease_seq = lease_seq + 1 WHERE persistence_id = $1 AND epoch = $2",
            [persistenceId, epoch], cancellationToken);

    private async Task<IReadOnlyList<OwnershipRow>> QueryAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<OwnershipRow>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new OwnershipRow(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3)));
        return rows;
    }

    private async Task<int> NonQueryAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return command;
    }
}
