using System.Globalization;

namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// Operations over RESP on one connection (GET, SET, DEL, INCRBY); replies carry no revisions. Any reply other
/// than the expected ones (a store error, a timeout, a closed connection) leaves the operation indeterminate.
/// </summary>
public sealed class RespHistoryClient(RawRespClient connection) : IKvHistoryClient
{
    private const string NotAnInteger = "-ERR value is not an integer or out of range\r\n";

    public IReadOnlyList<KvOperationKind> Kinds { get; } =
        [KvOperationKind.Get, KvOperationKind.Set, KvOperationKind.Delete, KvOperationKind.Increment];

    public async Task<KvOutcome> ExecuteAsync(KvOperation operation)
    {
        switch (operation.Kind)
        {
            case KvOperationKind.Get:
                var reply = await connection.CallAsync("GET", operation.Key);
                if (reply == "$-1\r\n") return KvOutcome.NotFound;
                if (reply.StartsWith('$')) return KvOutcome.Found(reply[(reply.IndexOf('\n') + 1)..^2]);
                throw Unexpected(operation, reply);
            case KvOperationKind.Set:
                return await connection.CallAsync("SET", operation.Key, operation.Value!) is "+OK\r\n"
                    ? KvOutcome.Written()
                    : throw Unexpected(operation, "not +OK");
            case KvOperationKind.Delete:
                return await connection.CallAsync("DEL", operation.Key) switch
                {
                    ":1\r\n" => KvOutcome.Written(),
                    ":0\r\n" => KvOutcome.NotFound,
                    var other => throw Unexpected(operation, other),
                };
            case KvOperationKind.Increment:
                var counted = await connection.CallAsync("INCRBY", operation.Key, operation.Argument.ToString(CultureInfo.InvariantCulture));
                if (counted == NotAnInteger) return KvOutcome.NotANumber;
                if (counted.StartsWith(':')) return KvOutcome.Found(counted[1..^2]);
                throw Unexpected(operation, counted);
            default:
                throw new NotSupportedException($"{operation.Kind} is not run over RESP here");
        }
    }

    private static InvalidOperationException Unexpected(KvOperation operation, string reply) =>
        new($"{operation}: unexpected reply {reply.TrimEnd()}");
}
