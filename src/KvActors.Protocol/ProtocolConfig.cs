using Akka.Configuration;

namespace KvActors.Protocol;

/// <summary>The protocol's embedded <c>reference.conf</c>: the wire types' serializer bindings every KvActors ActorSystem needs.</summary>
public static class ProtocolConfig
{
    public static Config Default { get; } =
        ConfigurationFactory.FromResource("KvActors.Protocol.reference.conf", typeof(ProtocolConfig).Assembly);
}
