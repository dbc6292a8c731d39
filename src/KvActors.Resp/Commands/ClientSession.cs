using KvActors.Resp.Protocol;

namespace KvActors.Resp.Commands;

/// <summary>What one client connection has told the server about itself, and its open transaction.</summary>
internal sealed class ClientSession(long id, string remoteAddress)
{
    public long Id { get; } = id;

    public string RemoteAddress { get; } = remoteAddress;

    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>CLIENT SETNAME / HELLO SETNAME; null until set.</summary>
    public string? Name { get; set; }

    /// <summary>CLIENT SETINFO lib-name / lib-ver, as redis-py and StackExchange.Redis send them.</summary>
    public string? LibraryName { get; set; }

    public string? LibraryVersion { get; set; }

    public RespVersion Version { get; set; } = RespVersion.Resp2;

    /// <summary>READONLY until READWRITE: reads outside a transaction may be served stale by the nearest replica.</summary>
    public bool ReadsStale { get; set; }

    /// <summary>The transaction between MULTI and EXEC/DISCARD; null outside one.</summary>
    public Transaction? Transaction { get; set; }
}
