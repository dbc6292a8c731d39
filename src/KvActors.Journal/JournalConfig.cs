using Akka.Configuration;
using KvActors.Protocol;

namespace KvActors.Journal;

/// <summary>
/// The journal's embedded <c>reference.conf</c> over the protocol's: the serializer bindings of a server, which
/// stores as well as sends.
/// </summary>
public static class JournalConfig
{
    public static Config Default { get; } =
        ConfigurationFactory.FromResource("KvActors.Journal.reference.conf", typeof(JournalConfig).Assembly)
            .WithFallback(ProtocolConfig.Default);
}
