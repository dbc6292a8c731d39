using Akka.Actor;
using Akka.Configuration;

namespace KvActors.EndToEnd.Tests.Hostile;

/// <summary>A client ActorSystem that sends arbitrary bytes to a server's /user/kv under the KvSerializer's identifier.</summary>
public sealed class RawRemoteClient : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly string _path;

    public RawRemoteClient(string endpoint)
    {
        _path = $"akka.tcp://kv@{endpoint}/user/kv";
        _system = ActorSystem.Create("raw-client", ConfigurationFactory.ParseString($$"""
                akka.actor.provider = remote
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, maximum-frame-size = 4m, send-buffer-size = 8m, receive-buffer-size = 8m }
                akka.loglevel = ERROR
                akka.stdout-loglevel = OFF
                akka.actor {
                  serializers.raw = "{{typeof(RawPayloadSerializer).AssemblyQualifiedName}}"
                  serialization-bindings { "{{typeof(RawPayload).AssemblyQualifiedName}}" = raw }
                  serialization-identifiers { "{{typeof(RawPayloadSerializer).AssemblyQualifiedName}}" = {{RawPayloadSerializer.KvSerializerIdentifier}} }
                }
                """));
    }

    public void Send(RawPayload payload) => _system.ActorSelection(_path).Tell(payload, ActorRefs.NoSender);

    /// <summary>Sends and waits for the reply (itself raw: its manifest names the reply type).</summary>
    public Task<RawPayload> AskAsync(RawPayload payload, TimeSpan timeout) => _system.ActorSelection(_path).Ask<RawPayload>(payload, timeout);

    public async ValueTask DisposeAsync() => await _system.Terminate();
}
