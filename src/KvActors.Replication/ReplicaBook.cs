using System.Collections.Immutable;
using Akka.Actor;

namespace KvActors.Replication;

/// <summary>
/// The node each replica of one group lives on, as the group's log says. A founding replica, and a rejoined node's
/// replica in the same slot, are found through the founding placement (<see cref="ReplicaGroup"/>); a replica placed
/// anywhere else (a move) is <see cref="Placed"/> when its membership change commits, its node travelling in the
/// change's context, and the book goes into the group's snapshots. Replica ids are never reused, so the book only
/// grows and two books of one group always agree where they overlap: merging them is safe.
/// </summary>
public sealed record ReplicaBook(ReplicaGroup Founding, ImmutableDictionary<ulong, Address> Placed)
{
    public ReplicaBook(ReplicaGroup founding) : this(founding, ImmutableDictionary<ulong, Address>.Empty)
    {
    }

    public int Partition => Founding.Partition;

    public Address? NodeOf(ulong replicaId) => Placed.TryGetValue(replicaId, out var node) ? node : Founding.NodeOf(replicaId);

    public ReplicaBook With(ulong replicaId, Address node) =>
        Placed.TryGetValue(replicaId, out var known) && known == node ? this : this with { Placed = Placed.SetItem(replicaId, node) };

    public ReplicaBook Merge(IEnumerable<KeyValuePair<ulong, Address>> placed)
    {
        var book = this;
        foreach (var (id, node) in placed) book = book.With(id, node);
        return book;
    }

    /// <summary>Every id this book knows: the founding slots' and every placed one.</summary>
    public IEnumerable<ulong> KnownIds => Founding.Replicas.Keys.Concat(Placed.Keys);
}
