using Akka.Actor;
using Akka.Configuration;
using KvActors.Protocol;

namespace KvActors.EndToEnd.Tests.Infrastructure;

/// <summary>A bare Akka.Remote client ActorSystem talking to a server's /user/kv, for specs below the client library.</summary>
public sealed class RemoteFront : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly string _path;

    public RemoteFront(string endpoint)
    {
        _path = $"akka.tcp://kv@{endpoint}/user/kv";
        _system = ActorSystem.Create("client", ConfigurationFactory.ParseString("""
                akka.actor.provider = remote
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                akka.loglevel = ERROR
                akka.stdout-loglevel = ERROR
                """).WithFallback(ProtocolConfig.Default));
    }

    public Task<IKvReply> AskAsync(IKvRequest request, TimeSpan timeout) =>
        _system.ActorSelection(_path).Ask<IKvReply>(request, timeout);

    public async ValueTask DisposeAsync() => await _system.Terminate();
}
