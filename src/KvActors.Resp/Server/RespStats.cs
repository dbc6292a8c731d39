namespace KvActors.Resp.Server;

/// <summary>Counters INFO reports (clients and stats sections); updated from every connection concurrently.</summary>
internal sealed class RespStats
{
    private long _connectedClients;
    private long _totalConnections;
    private long _rejectedConnections;
    private long _commandsProcessed;

    public long ConnectedClients => Interlocked.Read(ref _connectedClients);

    public long TotalConnections => Interlocked.Read(ref _totalConnections);

    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);

    public long CommandsProcessed => Interlocked.Read(ref _commandsProcessed);

    public void Connected()
    {
        Interlocked.Increment(ref _connectedClients);
        Interlocked.Increment(ref _totalConnections);
    }

    public void Disconnected() => Interlocked.Decrement(ref _connectedClients);

    public void Rejected() => Interlocked.Increment(ref _rejectedConnections);

    public void CommandProcessed() => Interlocked.Increment(ref _commandsProcessed);
}
