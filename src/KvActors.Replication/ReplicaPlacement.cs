using Akka.Actor;

namespace KvActors.Replication;

/// <summary>
/// Static placement, as etcd's <c>--initial-cluster</c>: the founding nodes (the seed list) hold every group, each
/// partition on <c>replicas</c> consecutive nodes of the sorted list starting at <c>partition mod nodes</c>, so
/// groups (and the first guess at their leaders) spread evenly. A replica's id is its node's place in the sorted
/// list plus one, the same in every group, so every node computes the same groups from the same list, in any order.
/// </summary>
public static class ReplicaPlacement
{
    /// <param name="nodes">The founding nodes' addresses, in any order; no duplicates.</param>
    /// <param name="partitions">Partition count of the data.</param>
    /// <param name="replicas">Replicas per partition; a cluster of fewer nodes gets one replica per node.</param>
    public static IReadOnlyList<ReplicaGroup> Groups(IReadOnlyCollection<Address> nodes, int partitions, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        var sorted = nodes.OrderBy(n => n.ToString(), StringComparer.Ordinal).ToArray();
        if (sorted.Distinct().Count() != sorted.Length) throw new ArgumentException("the founding nodes must be distinct", nameof(nodes));
        var perGroup = Math.Min(replicas, sorted.Length);
        return Enumerable.Range(0, partitions)
            .Select(partition => new ReplicaGroup(partition, Enumerable.Range(0, perGroup)
                .Select(k => (partition + k) % sorted.Length)
                .ToDictionary(index => (ulong)index + 1, index => sorted[index])))
            .ToArray();
    }
}
