using Akka.Configuration;

namespace KvActors.Server.Persistence;

/// <summary>Reads the journal option (<c>--journal</c>, <c>KV_JOURNAL</c>, <c>kv.journal</c>): which storage to use.</summary>
public static class StorageOption
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>The directory of the SQLite journal <paramref name="journal"/> names (or that null names), else null.</summary>
    public static string? SqliteDirectory(string? journal, string dataDirectory) =>
        Parse(journal, dataDirectory, Durability.Process, Config.Empty) is SqliteStorage sqlite ? sqlite.DataDirectory : null;

    /// <summary>
    /// <c>sqlite:DIR</c> or <c>postgres:CONNECTION_STRING</c>; null or empty means SQLite in
    /// <paramref name="dataDirectory"/>. The snapshot store always lives with the journal.
    /// </summary>
    /// <param name="postgresTuning">Plugin settings laid over the shared ones when the journal is PostgreSQL.</param>
    /// <exception cref="ArgumentException">The value names no known storage or is incomplete; the message says which.</exception>
    public static IStorage Parse(string? journal, string dataDirectory, Durability durability, Config postgresTuning)
    {
        if (string.IsNullOrWhiteSpace(journal)) return new SqliteStorage(dataDirectory, durability);
        var colon = journal.IndexOf(':');
        var scheme = (colon < 0 ? journal : journal[..colon]).Trim().ToLowerInvariant();
        var target = colon < 0 ? "" : journal[(colon + 1)..].Trim();
        return scheme switch
        {
            Sqlite when target.Length > 0 => new SqliteStorage(target, durability),
            Postgres when target.Length > 0 => new PostgresStorage(target, postgresTuning),
            Sqlite => throw new ArgumentException("journal sqlite: needs a directory (sqlite:PATH)"),
            Postgres => throw new ArgumentException("journal postgres: needs a connection string (postgres:Host=...;Database=...)"),
            // A scheme is echoed only when it looks like one: a value without one may be a connection string with a password.
            _ when scheme.Length > 0 && scheme.All(char.IsAsciiLetterLower) => throw new ArgumentException(
                $"journal must be sqlite:PATH or postgres:CONNECTION_STRING, got unknown scheme '{scheme}'"),
            _ => throw new ArgumentException("journal must be sqlite:PATH or postgres:CONNECTION_STRING (no scheme given)"),
        };
    }
}
