namespace KvActors.Replication.Replica;

/// <summary>Local, replica to its host: whether it is a member (voter or learner) of its group as it has applied the
/// membership. A host never replaces a member with another replica a (possibly stale) leader places there.</summary>
internal sealed record ReplicaMembership(int Partition, bool Member);
