namespace KvActors.Protocol;

/// <summary>
/// A validated request addressed to one partition, as it travels between cluster nodes to the shard region that
/// hosts the partition. Internal to the servers: clients never send it (the front refuses it).
/// </summary>
public sealed record PartitionEnvelope(int Partition, IKvRequest Request);
