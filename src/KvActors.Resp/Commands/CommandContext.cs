using KvActors.Resp.Server;

namespace KvActors.Resp.Commands;

/// <summary>What a command handler may look at: the connection's session and the listener's shared state.</summary>
internal sealed class CommandContext(ClientSession session, RespServerState server)
{
    public ClientSession Session { get; } = session;

    public RespServerState Server { get; } = server;

    public long NowUnixMs => Server.NowUnixMs;
}
