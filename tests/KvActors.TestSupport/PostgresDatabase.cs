using Npgsql;

namespace KvActors.TestSupport;

/// <summary>
/// A fresh database with a random name on the test PostgreSQL server (<c>KV_TEST_POSTGRES</c>), so specs never
/// share tables; dropped on dispose, with whatever connections are still open to it.
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    private PostgresDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The test server's connection string (its database is used only to create and drop others), or null.</summary>
    public static string? ServerConnectionString { get; } =
        Environment.GetEnvironmentVariable("KV_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>The <c>--journal</c> value pointing a server at this database.</summary>
    public string Journal => $"postgres:{ConnectionString}";

    public static PostgresDatabase Create()
    {
        var server = ServerConnectionString ?? throw new InvalidOperationException("KV_TEST_POSTGRES is not set");
        var name = $"kvtest_{Guid.NewGuid():N}";
        ExecuteOn(server, $"CREATE DATABASE {name}");
        return new PostgresDatabase(name, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    public long Scalar(string sql)
    {
        using var connection = Open(ConnectionString);
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>
    /// The database goes away as far as the server can tell: new connections are refused and open ones are cut.
    /// Unlike a stopped server it leaves the other specs' databases alone.
    /// </summary>
    public void RefuseConnections()
    {
        ExecuteOn(ServerConnectionString!, $"ALTER DATABASE {Name} ALLOW_CONNECTIONS false");
        ExecuteOn(ServerConnectionString!, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}'");
    }

    public void AllowConnections() => ExecuteOn(ServerConnectionString!, $"ALTER DATABASE {Name} ALLOW_CONNECTIONS true");

    public void Dispose() => ExecuteOn(ServerConnectionString!, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");

    private static void ExecuteOn(string connectionString, string sql)
    {
        using var connection = Open(connectionString);
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    // Unpooled: a probe must leave no idle connection behind to keep the database busy.
    private static NpgsqlConnection Open(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }
}
