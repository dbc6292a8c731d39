using Microsoft.Data.Sqlite;

namespace KvActors.Replication.Tests.Infrastructure;

/// <summary>Reads a stopped node's SQLite files directly: what is really on disk, not what the plugin reports.</summary>
public static class SqliteProbe
{
    public static long Scalar(string file, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>Rows of one replica's log in a node's journal file (deleted-marked rows count: they are on disk).</summary>
    public static long JournalRows(string dataDirectory, string persistenceId) =>
        Scalar(Path.Combine(dataDirectory, "journal.db"), "SELECT COUNT(*) FROM journal WHERE persistence_id = $id", ("$id", persistenceId));

    public static long SnapshotRows(string dataDirectory, string persistenceId) =>
        Scalar(Path.Combine(dataDirectory, "snapshots.db"), "SELECT COUNT(*) FROM snapshot WHERE persistence_id = $id", ("$id", persistenceId));
}
