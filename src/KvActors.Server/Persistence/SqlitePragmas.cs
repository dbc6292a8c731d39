using System.Data.Common;
using LinqToDB.Interceptors;

namespace KvActors.Server.Persistence;

/// <summary>
/// Sets the durability pragma on every connection the persistence plugin opens. <c>synchronous</c> is a
/// per-connection setting that no Microsoft.Data.Sqlite connection-string keyword can set, so it is applied
/// through a linq2db interceptor the plugin accepts via <c>MultiDataOptionsSetup</c>.
/// </summary>
internal sealed class SqlitePragmas(Durability durability) : ConnectionInterceptor
{
    private readonly string _sql = durability switch
    {
        Durability.Fsync => "PRAGMA synchronous=FULL;",
        _ => "PRAGMA synchronous=NORMAL;",
    };

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
