namespace KvActors.Replication.Transport;

/// <summary>From a replica to its host once it has recovered: from now on it takes ticks. (Ticks sent during a long
/// recovery would pile up and fire an election the moment it ends.)</summary>
internal sealed record ReplicaStarted(int Partition);
