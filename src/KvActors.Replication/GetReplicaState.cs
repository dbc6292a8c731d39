namespace KvActors.Replication;

/// <summary>Asks a replica for its <see cref="ReplicaState"/>; a node's host answers for its replica of
/// <see cref="Partition"/>.</summary>
public sealed record GetReplicaState(int Partition);
