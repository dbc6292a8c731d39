using System.Collections.Immutable;

namespace KvActors.Raft;

/// <summary>A group's membership: the voters (who elect and form quorums) and the learners (who only replicate).</summary>
public sealed record ConfState(ImmutableSortedSet<ulong> Voters, ImmutableSortedSet<ulong> Learners)
{
    public static ConfState Empty { get; } = new([], []);

    public static ConfState OfVoters(params ulong[] voters) => new([.. voters], []);

    public bool Contains(ulong id) => Voters.Contains(id) || Learners.Contains(id);

    public bool Equals(ConfState? other) =>
        other is not null && Voters.SetEquals(other.Voters) && Learners.SetEquals(other.Learners);

    public override int GetHashCode() => HashCode.Combine(Voters.Count, Learners.Count);

    public override string ToString() => $"voters [{string.Join(",", Voters)}] learners [{string.Join(",", Learners)}]";
}
