namespace KvActors.Replication.Replica;

/// <summary>Local, replica to its host: the group's book grew (a replica was placed), so the host routes the group's
/// messages by it.</summary>
internal sealed record ReplicaBookChanged(ReplicaBook Book);
