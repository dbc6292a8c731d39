using System.Data.Common;
using LinqToDB.Interceptors;

namespace KvActors.Server.Persistence;

/// <summary>
/// Sets per-connection pragmas on every connection the persistence plugin opens: the durability
/// (<c>synchronous</c>) and <c>journal_size_limit</c>. No Microsoft.Data.Sqlite connection-string keyword sets
/// them, so they are applied through a linq2db interceptor the plugin accepts via <c>MultiDataOptionsSetup</c>.
/// </summary>
internal sealed class SqlitePragmas(Durability durability) : ConnectionInterceptor
{
    // A WAL file keeps the size of the largest transaction it ever held (a snapshot of every key) unless limited:
    // with the limit it is cut back to 64 MiB after each checkpoint.
    private readonly string _sql = durability switch
    {
        Durability.Fsync => "PRAGMA synchronous=FULL;",
        _ => "PRAGMA synchronous=NORMAL;",
    } + " PRAGMA journal_size_limit=67108864;";

    public override void ConnectionOpened(ConnectionEventData eventData, DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
