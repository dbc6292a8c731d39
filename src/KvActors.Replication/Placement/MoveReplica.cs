using Akka.Actor;

namespace KvActors.Replication.Placement;

/// <summary>
/// One replica of a group moved: a new one placed on <paramref name="To"/>, <paramref name="From"/> taken out, each
/// optional. Decided by the placement controller (<see cref="PlacementPlanner"/>) and asked of the group's leader,
/// again every round until done; the leader makes it one membership change at a time (<see cref="MoveSteps"/>), so
/// a leader change midway resumes where the last left off.
/// </summary>
/// <param name="Partition">The group's partition.</param>
/// <param name="From">The replica to take out, or 0 when the group gains one.</param>
/// <param name="To">The node to place a new replica on, or null when the group loses one.</param>
/// <param name="Why">For the logs: what the controller saw.</param>
public sealed record MoveReplica(int Partition, ulong From, Address? To, string Why);
