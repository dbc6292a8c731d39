using Akka.Configuration;

namespace KvActors.Replication;

/// <summary>Replication's embedded <c>reference.conf</c>: the serializer bindings every node hosting replicas needs,
/// on top of <see cref="KvActors.Protocol.ProtocolConfig"/>.</summary>
public static class ReplicationConfig
{
    public static Config Default { get; } =
        ConfigurationFactory.FromResource("KvActors.Replication.reference.conf", typeof(ReplicationConfig).Assembly);
}
