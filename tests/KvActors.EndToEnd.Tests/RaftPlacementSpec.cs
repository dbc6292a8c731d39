using KvActors.Client;
using KvActors.Protocol;
using KvActors.TestSupport;
using KvActors.TestSupport.Crash;
using KvActors.TestSupport.Linearizability;
using Xunit;
using Xunit.Abstractions;
using static KvActors.EndToEnd.Tests.RaftTestCluster;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// Nodes coming and going under load, with the placement controller moving replicas: a node that joins gets its
/// share, a node told to leave (<c>kv cluster leave</c>) hands its replicas over before it exits, and a node dead past
/// <c>kv.raft.replace-dead-after</c> has its replicas re-created on the others, which then hold every write by
/// themselves (a second node is killed). No acknowledged write may go missing, and the history on shared keys must be
/// linearizable.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RaftPlacementSpec(ITestOutputHelper output)
{
    private const int Spare = Nodes;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Raft_cluster_should_move_replicas_onto_a_joining_node_and_off_a_leaving_one_losing_nothing()
    {
        using var cluster = StartWithSpares(1, "kv.raft.replace-dead-after = 5m");
        var hosts = cluster.Hosts;
        var ledger = new WriteLedger();
        var history = new KvHistory();
        try
        {
            await ServingAsync(cluster);
            const int leaving = 0;
            using var stop = new CancellationTokenSource();
            var load = new List<Task>();
            var connections = await cluster.StartLoadAsync(ledger, history, new Random(20261207), node => node != leaving, load, stop.Token);
            await Eventually.TrueAsync(() => ledger.Acknowledged >= 200, TimeSpan.FromSeconds(60));

            // With three nodes for three replicas, a leaving node's replicas would have nowhere to go.
            await cluster.MembershipFormedAsync(TimeSpan.FromSeconds(60));
            await using var through = await KvClient.ConnectAsync(hosts[1].Endpoint, ClientOptions);
            var refused = await Assert.ThrowsAsync<KvInvalidArgumentException>(() => through.LeaveClusterAsync(cluster.AddressOf(leaving)));
            Assert.Contains("cannot leave: 2 nodes would stay for 3 replicas per partition", refused.Message);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            cluster.StartSpare(Spare);
            await hosts[Spare].WaitUntilServingAsync(TimeSpan.FromSeconds(90));
            // 24 replicas over four nodes: six each.
            await VotersAsync(through, cluster, node => Assert.Equal(Partitions * 3 / 4, node[cluster.AddressOf(Spare)]));
            var joinedAfter = clock.Elapsed;
            // kv cluster members says which partitions each node holds a replica of, as the nodes answer.
            var spare = (await through.GetClusterMembersAsync()).Members.Single(m => m.Address == cluster.AddressOf(Spare));
            Assert.Equal(Partitions * 3 / 4, spare.Partitions.Count);
            // It came with no leaderships; the controller hands it its share, one a round.
            await LeadersBalancedAsync(through);
            var ledAfter = clock.Elapsed;

            var acknowledgedAtLeave = ledger.Acknowledged;
            clock.Restart();
            await through.LeaveClusterAsync(cluster.AddressOf(leaving));
            await Eventually.TrueAsync(() => hosts[leaving].HasExited, Settle);
            var leftAfter = clock.Elapsed;
            Assert.Contains("Every replica on this node moved to other nodes", hosts[leaving].Output);
            await VotersAsync(through, cluster, node =>
            {
                Assert.False(node.ContainsKey(cluster.AddressOf(leaving)));
                Assert.All(node.Values, count => Assert.Equal(Partitions, count));
            });
            await Eventually.TrueAsync(() => ledger.Acknowledged >= acknowledgedAtLeave + 200, TimeSpan.FromSeconds(60));
            await StopAsync(stop, load, connections);
            output.WriteLine($"node {Spare} held its share as a voter {joinedAfter.TotalSeconds:F1}s after it started and led " +
                             $"its share of groups {ledAfter.TotalSeconds:F1}s after it started; node {leaving} handed every replica " +
                             $"over and exited {leftAfter.TotalSeconds:F1}s after kv cluster leave; {ledger.Acknowledged} acknowledged writes");

            await VerifyEverywhereAsync(cluster, ledger, history, [1, 2, Spare]);
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }

    [Fact]
    public async Task Raft_cluster_should_recreate_a_dead_nodes_replicas_elsewhere_after_replace_dead_after()
    {
        using var cluster = StartWithSpares(1, "kv.raft.replace-dead-after = 3s");
        var hosts = cluster.Hosts;
        var ledger = new WriteLedger();
        var history = new KvHistory();
        try
        {
            await ServingAsync(cluster);
            cluster.StartSpare(Spare);
            await hosts[Spare].WaitUntilServingAsync(TimeSpan.FromSeconds(90));
            await using var through = await KvClient.ConnectAsync(hosts[Spare].Endpoint, ClientOptions);
            await VotersAsync(through, cluster, node => Assert.Equal(Partitions * 3 / 4, node[cluster.AddressOf(Spare)]));

            const int dead = 1, second = 2;
            using var stop = new CancellationTokenSource();
            var load = new List<Task>();
            var connections = await cluster.StartLoadAsync(ledger, history, new Random(20261208), node => node == 0, load, stop.Token);
            await Eventually.TrueAsync(() => ledger.Acknowledged >= 200, TimeSpan.FromSeconds(60));

            var deadReplicas = (await through.GetPartitionReplicasAsync()).Replicas
                .Where(r => r.Node == cluster.AddressOf(dead)).Select(r => (r.Partition, r.ReplicaId)).ToHashSet();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            hosts[dead].Kill();
            await VotersAsync(through, cluster, node =>
            {
                Assert.False(node.ContainsKey(cluster.AddressOf(dead)));
                Assert.All(node.Values, count => Assert.Equal(Partitions, count));
            });
            var replacedAfter = clock.Elapsed;

            // The re-created replicas hold every committed write: with one more original node gone they are a quorum.
            var acknowledgedAtSecondKill = ledger.Acknowledged;
            hosts[second].Kill();
            await WritableAsync(through, TimeSpan.FromSeconds(60));
            await Eventually.TrueAsync(() => ledger.Acknowledged >= acknowledgedAtSecondKill + 200, TimeSpan.FromSeconds(60));
            await StopAsync(stop, load, connections);
            output.WriteLine($"node {dead}'s replicas were voters on other nodes {replacedAfter.TotalSeconds:F1}s after it was killed " +
                             $"(replace-dead-after 3s); with node {second} killed too, every partition took writes; {ledger.Acknowledged} acknowledged writes");

            await VerifyEverywhereAsync(cluster, ledger, history, [0, Spare]);

            // The dead node comes back: no leader speaks to its old replicas, so the controller has it drop them. (It may
            // get new ones meanwhile: node 2's replicas are lost by now, and it is where they can go.)
            cluster.Restart(dead);
            await hosts[dead].WaitUntilServingAsync(TimeSpan.FromSeconds(90));
            await using var after = await KvClient.ConnectAsync(hosts[0].Endpoint, ClientOptions);
            await Eventually.AssertAsync(async () =>
            {
                var replicas = (await after.GetPartitionReplicasAsync()).Replicas;
                Assert.DoesNotContain(replicas, r => deadReplicas.Contains((r.Partition, r.ReplicaId)));
                Assert.Contains("is not in its group", hosts[dead].Output);
            }, Settle, TimeSpan.FromMilliseconds(250));
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }

    private static async Task ServingAsync(RaftTestCluster cluster)
    {
        await cluster.WaitUntilServingAsync();
        foreach (var host in cluster.Hosts.OfType<HostProcess>())
        {
            await using var client = await KvClient.ConnectAsync(host.Endpoint, ClientOptions);
            await WritableAsync(client, TimeSpan.FromSeconds(60));
        }
    }

    // Waits until every partition has exactly three members, all voters answering, and the voters per node pass the check.
    private static async Task VotersAsync(KvClient client, RaftTestCluster cluster, Action<Dictionary<string, int>> check)
    {
        await Eventually.AssertAsync(async () =>
        {
            var replicas = (await client.GetPartitionReplicasAsync()).Replicas;
            foreach (var (partition, _, members) in new PartitionReplicas(replicas).ByPartition())
            {
                // A member that does not answer is listed too (unreachable): three voters and nothing else.
                var voters = members.Where(r => r.Role is "follower" or ReplicaStatus.Leader).ToArray();
                Assert.True(voters.Length == 3 && members.Count == 3, $"partition {partition}: {string.Join("; ", members)}");
            }

            check(replicas.Where(r => r.Role is "follower" or ReplicaStatus.Leader).GroupBy(r => r.Node).ToDictionary(g => g.Key, g => g.Count()));
        }, Settle, TimeSpan.FromMilliseconds(250));
    }

    // Waits until the nodes holding voters lead groups within one of each other (8 groups over 4 nodes: two each).
    private static async Task LeadersBalancedAsync(KvClient client)
    {
        await Eventually.AssertAsync(async () =>
        {
            var replicas = (await client.GetPartitionReplicasAsync()).Replicas;
            var leads = replicas.Where(r => r.Role is "follower" or ReplicaStatus.Leader).Select(r => r.Node).Distinct()
                .ToDictionary(node => node, node => replicas.Count(r => r.Node == node && r.Role == ReplicaStatus.Leader));
            Assert.True(leads.Values.Max() - leads.Values.Min() <= 1, string.Join(", ", leads.Select(l => $"{l.Key} leads {l.Value}")));
        }, Settle, TimeSpan.FromMilliseconds(250));
    }

    private static async Task StopAsync(CancellationTokenSource stop, List<Task> load, List<RawRespClient> connections)
    {
        await stop.CancelAsync();
        await Task.WhenAll(load);
        foreach (var connection in connections) await connection.DisposeAsync();
    }

    // Every acknowledged write through each live node, then again after all of them are killed and restarted; and
    // the history on shared keys linearizable.
    private async Task VerifyEverywhereAsync(RaftTestCluster cluster, WriteLedger ledger, KvHistory history, int[] live)
    {
        foreach (var node in live)
        {
            await using var client = await KvClient.ConnectAsync(cluster.Hosts[node].Endpoint, ClientOptions);
            await VerifyAsync(client, ledger, $"node {node}");
        }

        foreach (var node in live) cluster.Hosts[node].Kill();
        history.ServerDied();
        foreach (var node in live) cluster.Restart(node);
        foreach (var node in live)
        {
            await cluster.Hosts[node].WaitUntilServingAsync(TimeSpan.FromSeconds(90));
            await using var client = await KvClient.ConnectAsync(cluster.Hosts[node].Endpoint, ClientOptions);
            await VerifyAsync(client, ledger, $"node {node} after the restart");
        }

        var verdict = LinearizabilityChecker.Check(history.Operations(), new KvModel(), TimeSpan.FromMinutes(2));
        output.WriteLine($"{history.Count} operations on shared keys, {history.Indeterminate()} indeterminate: {verdict.Verdict}");
        Assert.True(verdict.IsLinearizable, verdict.ToString());
    }
}
