using Akka.Actor;
using KvActors.Raft;

namespace KvActors.Replication;

/// <summary>
/// The replicas of one partition and the node each lives on. Static in this slice: every member founds the group
/// together (a founders' <see cref="MemoryStorage"/>), and no membership change is proposed yet.
/// </summary>
/// <param name="Partition">The partition the group replicates.</param>
/// <param name="Replicas">Raft id (never 0) to the address of the node hosting that replica; at most one replica
/// of a group per node.</param>
public sealed record ReplicaGroup(int Partition, IReadOnlyDictionary<ulong, Address> Replicas)
{
    public ConfState Founders => ConfState.OfVoters([.. Replicas.Keys]);

    /// <summary>The id of the replica on <paramref name="node"/>, or null if the node holds none of this group.</summary>
    public ulong? ReplicaOn(Address node)
    {
        foreach (var (id, address) in Replicas)
        {
            if (address == node) return id;
        }

        return null;
    }

    public Address? NodeOf(ulong replicaId) => Replicas.TryGetValue(replicaId, out var address) ? address : null;
}
