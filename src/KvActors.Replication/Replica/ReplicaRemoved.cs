namespace KvActors.Replication.Replica;

/// <summary>Local, replica to its host: the group removed this replica (it moved elsewhere). It has deleted its
/// journal and stops; the host forgets it and does not start it again.</summary>
internal sealed record ReplicaRemoved(int Partition, ulong ReplicaId);
