using Akka.Configuration;
using KvActors.Journal;

namespace KvActors.Server;

/// <summary>
/// The server's embedded <c>reference.conf</c> over the journal's and the protocol's: the Akka settings a server needs
/// as they are (remoting, persistence plugin internals, serializer bindings). The configuration an operator gives
/// (hocon/kv.conf) is laid over it.
/// </summary>
public static class ServerConfig
{
    public static Config Default { get; } =
        ConfigurationFactory.FromResource("KvActors.Server.reference.conf", typeof(ServerConfig).Assembly)
            .WithFallback(JournalConfig.Default);
}
