using KvActors.Raft;

namespace KvActors.Replication.Transport;

/// <summary>A Raft message addressed to the replica of <paramref name="Partition"/> whose id is its <c>To</c>.</summary>
public sealed record PartitionRaftMessage(int Partition, Message Message);
