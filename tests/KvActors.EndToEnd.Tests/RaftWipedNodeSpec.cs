using KvActors.Client;
using KvActors.Protocol;
using KvActors.Replication;
using KvActors.TestSupport;
using KvActors.TestSupport.Crash;
using KvActors.TestSupport.Linearizability;
using Xunit;
using Xunit.Abstractions;
using static KvActors.EndToEnd.Tests.RaftTestCluster;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// A lost disk: the node leading the most partitions is killed under load, its data directory emptied, and the node
/// started again at its address. It must not take its old replicas' places (they voted and acknowledged writes it no
/// longer has): it rejoins every group under new replica ids, is re-filled from the leaders and becomes a voter again.
/// Then another node is killed: the rejoined node and the last one must form a quorum on every partition, which they
/// can only do if it truly holds every committed write. No acknowledged write may be missing through any node, and
/// the history on shared keys must be linearizable.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RaftWipedNodeSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task Raft_node_restarted_on_an_emptied_data_directory_should_rejoin_be_refilled_and_lose_nothing()
    {
        using var cluster = RaftTestCluster.Start();
        var hosts = cluster.Hosts;
        var ledger = new WriteLedger();
        var history = new KvHistory();
        var random = new Random(20261206);
        try
        {
            await cluster.WaitUntilServingAsync();
            foreach (var host in hosts)
            {
                await using var client = await KvClient.ConnectAsync(host.Endpoint, ClientOptions);
                await WritableAsync(client, TimeSpan.FromSeconds(60));
            }

            var wiped = cluster.BusiestLeader(out _);
            var second = (wiped + 1) % Nodes;
            var last = (wiped + 2) % Nodes;
            using var stop = new CancellationTokenSource();
            var load = new List<Task>();
            // Workers on the nodes that go down stop with them; the last node's go on throughout.
            var connections = await cluster.StartLoadAsync(ledger, history, random, node => node == last, load, stop.Token);
            await Eventually.TrueAsync(() => ledger.Acknowledged >= 300, TimeSpan.FromSeconds(60));

            hosts[wiped].Kill();
            cluster.Wipe(wiped);
            var acknowledgedAtWipe = ledger.Acknowledged;
            cluster.Restart(wiped);
            await hosts[wiped].WaitUntilServingAsync(TimeSpan.FromSeconds(90));

            // Every partition takes the node back as a voter, under replica ids it never had.
            await using var throughLast = await KvClient.ConnectAsync(hosts[last].Endpoint, ClientOptions);
            var node = $"akka.tcp://kv@{hosts[wiped].Endpoint}";
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Eventually.AssertAsync(async () =>
            {
                var replicas = (await throughLast.GetPartitionReplicasAsync()).Replicas.Where(r => r.Node == node).ToArray();
                Assert.Equal(Partitions, replicas.Length);
                Assert.All(replicas, r =>
                {
                    Assert.True(r.ReplicaId >= (long)ReplicaGroup.IncarnationStride, $"{r}: still its founding id");
                    Assert.True(r.Role is "follower" or ReplicaStatus.Leader, $"{r}: not a voter yet");
                });
            }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));
            var rejoinedAfter = clock.Elapsed;
            Assert.Contains("Rejoining them as incarnation", hosts[wiped].Output);
            await Eventually.TrueAsync(() => ledger.Acknowledged >= acknowledgedAtWipe + 300, TimeSpan.FromSeconds(60));

            // Now only the rejoined node and the last one are left: a quorum only if it holds every committed entry.
            hosts[second].Kill();
            var failover = await WritableAsync(throughLast, TimeSpan.FromSeconds(60));
            var acknowledgedAtSecondKill = ledger.Acknowledged;
            await Eventually.TrueAsync(() => ledger.Acknowledged >= acknowledgedAtSecondKill + 300, TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(load);
            foreach (var connection in connections) await connection.DisposeAsync();
            output.WriteLine($"node {wiped} rejoined every partition as a voter {rejoinedAfter.TotalSeconds:F1}s after it served again; " +
                             $"with node {second} killed next, every partition took writes through node {last} (probe round {failover.TotalSeconds:F2}s); " +
                             $"{ledger.Acknowledged} acknowledged writes ({acknowledgedAtWipe} before the wipe)");

            await using (var throughWiped = await KvClient.ConnectAsync(hosts[wiped].Endpoint, ClientOptions))
                await VerifyAsync(throughWiped, ledger, $"rejoined node {wiped}");
            await VerifyAsync(throughLast, ledger, $"node {last}");
            await cluster.RestartAllAndVerifyAsync(ledger, history);

            var verdict = LinearizabilityChecker.Check(history.Operations(), new KvModel(), TimeSpan.FromMinutes(2));
            output.WriteLine($"{history.Count} operations on shared keys, {history.Indeterminate()} indeterminate: {verdict.Verdict}");
            Assert.True(verdict.IsLinearizable, verdict.ToString());
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }
}
