namespace KvActors.Replication.Replica;

/// <summary>How a replica came to be, which its id tells (<see cref="ReplicaGroup"/>): it decides how the replica's
/// storage starts and whether it asks to join.</summary>
public enum ReplicaOrigin
{
    /// <summary>Incarnation 0 of a founding slot: starts as a member of the founding membership.</summary>
    Founding,

    /// <summary>A later incarnation of a founding slot (its node's data directory was emptied): starts empty and asks
    /// its group to take it in (<see cref="Joining.JoinGroup"/>).</summary>
    Rejoining,

    /// <summary>Placed by a move (slot 0): starts empty; the leader that placed it adds it.</summary>
    Placed,
}

public static class ReplicaOrigins
{
    public static ReplicaOrigin Of(ulong replicaId) =>
        replicaId < ReplicaGroup.IncarnationStride ? ReplicaOrigin.Founding
        : ReplicaGroup.SlotOf(replicaId) != 0 ? ReplicaOrigin.Rejoining
        : ReplicaOrigin.Placed;
}
