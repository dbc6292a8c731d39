using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using KvActors.Client;
using KvActors.TestSupport;
using KvActors.TestSupport.Crash;
using KvActors.TestSupport.Linearizability;
using Xunit;
using Xunit.Abstractions;
using static KvActors.EndToEnd.Tests.RaftTestCluster;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// A real network partition (iptables, <see cref="NetworkPartition"/>) cuts the node leading the most partitions off
/// from the other two for longer than any election timeout, under load through every node, clients on both sides of
/// the cut. The majority elects new leaders and keeps taking writes; the cut-off leader hears from no quorum, steps
/// down (check-quorum) and can neither commit a write nor pass a ReadIndex, so nothing on its side is acknowledged
/// or read stale, while a connection that asked for stale reads (READONLY) is still answered there, from what the
/// node applied before the cut. After the network heals, every acknowledged write must be readable through every node, live and
/// after a full restart, and the history on shared keys linearizable.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class RaftNetworkPartitionSpec(ITestOutputHelper output)
{
    // Well past a follower's election timeout (1-2 s of ticks) and a leader's check-quorum.
    private static readonly TimeSpan CutFor = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Raft_cluster_should_lose_no_write_and_serve_no_stale_read_when_a_leader_is_cut_off_by_a_network_partition()
    {
        using var cluster = RaftTestCluster.StartPartitionable();
        var hosts = cluster.Hosts;
        var network = cluster.Network!;
        var ledger = new WriteLedger();
        var history = new KvHistory();
        var random = new Random(20261205);
        try
        {
            await cluster.WaitUntilServingAsync();
            var clients = new List<KvClient>();
            foreach (var host in hosts) clients.Add(await KvClient.ConnectAsync(host.Endpoint, ClientOptions));
            foreach (var client in clients) await WritableAsync(client, TimeSpan.FromSeconds(60));

            var victim = cluster.BusiestLeader(out var led);
            var survivor = Enumerable.Range(0, Nodes).First(n => n != victim);
            // A connection that reads stale (READONLY) through the node about to be cut off: it has applied this.
            await using var staleReader = await RawRespClient.ConnectAsync(IPEndPoint.Parse(hosts[victim].RespEndpoint));
            Assert.Equal("+OK\r\n", await staleReader.CallAsync("READONLY"));
            await clients[survivor].SetAsync(StaleKey, "before the cut");
            await Eventually.AssertAsync(async () => Assert.Equal(Bulk("before the cut"), await staleReader.CallAsync("GET", StaleKey)), TimeSpan.FromSeconds(10));

            using var stop = new CancellationTokenSource();
            var load = new List<Task>();
            // Every worker goes on after a failure, those on the cut-off node's side included.
            var connections = await cluster.StartLoadAsync(ledger, history, random, _ => true, load, stop.Token);

            await Eventually.TrueAsync(() => ledger.Acknowledged >= 300 || load.All(t => t.IsCompleted), TimeSpan.FromSeconds(60));
            var clock = Stopwatch.StartNew();
            network.Isolate(victim);
            var ackedAtCut = ledger.Acknowledged;
            TimeSpan majorityWriting;
            TimeSpan staleReadTook;
            try
            {
                // The majority takes writes on every partition during the cut, those the cut-off node led included.
                await WritableAsync(clients[survivor], CutFor);
                majorityWriting = clock.Elapsed;
                // The cut-off side still answers a stale read, from what it applied before the cut: the majority's
                // newer value is what a linearizable read sees.
                await clients[survivor].SetAsync(StaleKey, "during the cut");
                var staleRead = Stopwatch.StartNew();
                Assert.Equal(Bulk("before the cut"), await staleReader.CallAsync("GET", StaleKey));
                staleReadTook = staleRead.Elapsed;
                Assert.Equal("during the cut", (await clients[survivor].GetAsync(StaleKey)).ToUtf8String());
                // The fault is a cut of a set length, not a wait for a condition.
                var left = CutFor - clock.Elapsed;
                if (left > TimeSpan.Zero) await Task.Delay(left);
            }
            finally
            {
                network.Heal();
            }

            var ackedInCut = ledger.Acknowledged - ackedAtCut;
            // Healed, the stale reader catches up with the majority.
            await Eventually.AssertAsync(async () => Assert.Equal(Bulk("during the cut"), await staleReader.CallAsync("GET", StaleKey)), TimeSpan.FromSeconds(30));
            var deposed = NoLongerLeaderLine().Matches(hosts[victim].Output).Select(m => int.Parse(m.Groups["partition"].Value)).ToHashSet();
            // The healed node serves again: writes through it reach the leaders.
            await WritableAsync(clients[victim], TimeSpan.FromSeconds(30));
            var ackedAtHeal = ledger.Acknowledged;
            await Eventually.TrueAsync(() => ledger.Acknowledged >= ackedAtHeal + 300, TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(load);

            output.WriteLine($"cut node {victim} (led partitions {string.Join(",", led)}) off for {CutFor.TotalSeconds:0}s; every partition took writes " +
                             $"through the majority {majorityWriting.TotalSeconds:F1}s into the cut, {ackedInCut} writes acknowledged during it; " +
                             $"the cut-off node stepped down for partitions {string.Join(",", deposed.Order())} and answered a stale read in " +
                             $"{staleReadTook.TotalMilliseconds:0} ms; " +
                             $"{ledger.Acknowledged} acknowledged writes in all");
            Assert.Subset(deposed, led.ToHashSet());

            for (var node = 0; node < Nodes; node++) await VerifyAsync(clients[node], ledger, $"node {node}");
            foreach (var connection in connections) await connection.DisposeAsync();
            foreach (var client in clients) await client.DisposeAsync();

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

    private const string StaleKey = "stale-probe";

    private static string Bulk(string value) => $"${value.Length}\r\n{value}\r\n";

    [GeneratedRegex(@"Replica \d+ of partition (?<partition>\d+) is no longer leader")]
    private static partial Regex NoLongerLeaderLine();
}
