using Akka.Cluster.Sharding;
using Akka.Configuration;

namespace KvActors.Cluster;

/// <summary>
/// The cluster mode's embedded <c>reference.conf</c> over Cluster.Sharding's defaults: the Akka.Cluster settings a
/// cluster node needs as they are (downing provider, gossip cadence, sharding internals). The configuration an
/// operator gives (hocon/kv.conf) is laid over it.
/// </summary>
public static class ClusterConfig
{
    public static Config Default { get; } =
        ConfigurationFactory.FromResource("KvActors.Cluster.reference.conf", typeof(ClusterConfig).Assembly)
            .WithFallback(ClusterSharding.DefaultConfig());
}
