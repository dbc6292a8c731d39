using Akka.Actor;
using KvActors.Replication;
using Xunit;

namespace KvActors.Tests.Cluster;

/// <summary>Raft mode's static placement of replica groups on the seed nodes (<see cref="ReplicaPlacement"/>).</summary>
public sealed class ReplicaPlacementSpec
{
    private static Address[] Nodes(int count) =>
        Enumerable.Range(1, count).Select(i => new Address("akka.tcp", "kv", "127.0.0.1", 4050 + i)).ToArray();

    [Theory]
    [InlineData(3, 3, 8)]
    [InlineData(5, 3, 15)]
    [InlineData(7, 5, 98)]
    [InlineData(4, 3, 12)]
    public void ReplicaPlacement_should_put_each_partition_on_distinct_nodes_spread_evenly(int nodes, int replicas, int partitions)
    {
        var groups = ReplicaPlacement.Groups(Nodes(nodes), partitions, replicas);

        Assert.Equal(Enumerable.Range(0, partitions), groups.Select(g => g.Partition));
        Assert.All(groups, g =>
        {
            Assert.Equal(replicas, g.Replicas.Count);
            Assert.Equal(replicas, g.Replicas.Values.Distinct().Count());
            Assert.DoesNotContain(0UL, g.Replicas.Keys);
        });
        // Every node holds as many replicas as any other (partition counts here are multiples of the node count,
        // or every node holds every partition).
        var perNode = groups.SelectMany(g => g.Replicas.Values).GroupBy(a => a).Select(g => g.Count()).ToArray();
        Assert.Equal(nodes, perNode.Length);
        Assert.Single(perNode.Distinct());
    }

    [Fact]
    public void ReplicaPlacement_should_compute_the_same_groups_from_the_seed_list_in_any_order()
    {
        var nodes = Nodes(5);
        var expected = ReplicaPlacement.Groups(nodes, 16, 3);
        var shuffled = ReplicaPlacement.Groups(nodes.Reverse().ToArray(), 16, 3);

        Assert.Equal(Describe(expected), Describe(shuffled));
        // A node's replica id is the same in every group it belongs to: its place in the sorted list plus one.
        Assert.All(expected.SelectMany(g => g.Replicas), r => Assert.Equal((ulong)Array.IndexOf(nodes, r.Value) + 1, r.Key));
    }

    [Fact]
    public void ReplicaPlacement_should_give_a_cluster_of_fewer_nodes_one_replica_per_node()
    {
        var groups = ReplicaPlacement.Groups(Nodes(2), 4, 3);

        Assert.All(groups, g => Assert.Equal(2, g.Replicas.Count));
        Assert.Equal([1UL], ReplicaPlacement.Groups(Nodes(1), 4, 3).SelectMany(g => g.Replicas.Keys).Distinct());
    }

    [Fact]
    public void ReplicaPlacement_should_refuse_a_node_named_twice()
    {
        var node = Nodes(1)[0];
        Assert.Throws<ArgumentException>(() => ReplicaPlacement.Groups([node, node], 4, 3));
    }

    private static string[] Describe(IEnumerable<ReplicaGroup> groups) =>
        groups.Select(g => $"{g.Partition}: {string.Join(" ", g.Replicas.OrderBy(r => r.Key).Select(r => $"{r.Key}@{r.Value}"))}").ToArray();
}
