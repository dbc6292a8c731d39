using Akka.Actor;
using KvActors.Raft;

namespace KvActors.Replication;

/// <summary>
/// The replicas of one partition and the node each lives on. The nodes are static (the founding list), the Raft ids
/// are not: a node's replica has the id <c>slot + <see cref="IncarnationStride"/> × incarnation</c>, where the slot
/// is the founding replica's id (its node's place in the list plus one) and the incarnation is 0 for the founders and,
/// for a node that rejoined on an emptied data directory, a new one no replica had (<see cref="NodeIncarnation"/>,
/// <see cref="Joining.IncarnationChoice"/>). A rejoining node must never reuse
/// an id: its old replicas voted and acknowledged entries it no longer has. Every id maps back to its node.
/// </summary>
/// <param name="Partition">The partition the group replicates.</param>
/// <param name="Replicas">Slot (the founding replica's Raft id, never 0) to the address of the node hosting that
/// replica; at most one replica of a group per node.</param>
public sealed record ReplicaGroup(int Partition, IReadOnlyDictionary<ulong, Address> Replicas)
{
    /// <summary>Ids of later incarnations are this far apart: more nodes than this cannot found a cluster.</summary>
    public const ulong IncarnationStride = 1000;

    /// <summary>The founding membership: incarnation 0 of every slot.</summary>
    public ConfState Founders => ConfState.OfVoters([.. Replicas.Keys]);

    /// <summary>The slot of <paramref name="node"/>'s replica, or null if the node holds none of this group.</summary>
    public ulong? SlotOn(Address node)
    {
        foreach (var (slot, address) in Replicas)
        {
            if (address == node) return slot;
        }

        return null;
    }

    /// <summary>The Raft id of <paramref name="node"/>'s replica in its given incarnation, or null if it holds none.</summary>
    public ulong? ReplicaOn(Address node, long incarnation) =>
        SlotOn(node) is { } slot ? slot + IncarnationStride * (ulong)incarnation : null;

    public Address? NodeOf(ulong replicaId) => Replicas.TryGetValue(SlotOf(replicaId), out var address) ? address : null;

    public static ulong SlotOf(ulong replicaId) => replicaId % IncarnationStride;

    public static long IncarnationOf(ulong replicaId) => (long)(replicaId / IncarnationStride);
}
