namespace KvActors.Replication.Placement;

/// <summary>
/// The placement controller to a node's host: its replica <paramref name="ReplicaId"/> of <paramref name="Partition"/>
/// is not in its group (the group's leader's membership leaves it out, and the group has a member with a higher id,
/// so it was removed or never added): a node that was away while its replicas were replaced, or a placement whose
/// move went elsewhere. The host records it gone, and the replica deletes its journal and stops.
/// </summary>
public sealed record DropReplica(int Partition, ulong ReplicaId);
