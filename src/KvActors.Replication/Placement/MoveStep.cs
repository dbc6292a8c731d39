using KvActors.Raft;

namespace KvActors.Replication.Placement;

/// <summary>What a group's leader does next for a <see cref="MoveReplica"/> (<see cref="MoveSteps"/>).</summary>
public abstract record MoveStep
{
    /// <summary>Propose this membership change.</summary>
    public sealed record Propose(ConfChange Change) : MoveStep;

    /// <summary>The replica to take out leads: hand the leadership to another voter first; the new leader carries on.</summary>
    public sealed record HandOffLeadership : MoveStep;

    /// <summary>Nothing to do now: the new replica is still catching up.</summary>
    public sealed record Wait : MoveStep;

    /// <summary>The move is complete.</summary>
    public sealed record Done : MoveStep;
}
