using KvActors.Protocol;

namespace KvActors.Server.Routing;

/// <summary>Partitions kept as groups of replicas (KvActors.Cluster's RaftPartitions), which can say where each
/// replica is and how far it has got (<see cref="GetPartitionReplicas"/>).</summary>
public interface IReplicatedPartitions : IPartitions
{
    /// <summary>Every replica of every partition; one that does not answer within <paramref name="timeout"/> is listed
    /// as unreachable.</summary>
    Task<IKvReply> ReplicasAsync(TimeSpan timeout);
}
