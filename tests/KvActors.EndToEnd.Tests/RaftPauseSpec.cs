using System.Diagnostics;
using System.Text.RegularExpressions;
using KvActors.Client;
using KvActors.TestSupport.Crash;
using KvActors.TestSupport;
using KvActors.TestSupport.Linearizability;
using Xunit;
using Xunit.Abstractions;
using static KvActors.EndToEnd.Tests.RaftTestCluster;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// A Raft leader frozen with SIGSTOP for longer than any election timeout (a GC pause, a stalled VM), under load
/// through every node, then resumed with SIGCONT. The other nodes elect new leaders and keep taking writes through
/// the pause; the resumed node's requests, queued while it was frozen and sent after, must not be answered from its
/// stale state (its reads go through ReadIndex, which a deposed leader cannot pass). Every acknowledged write must
/// be readable through every node, live and after a full restart, and the history on shared keys linearizable.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class RaftPauseSpec(ITestOutputHelper output)
{
    // Well past a follower's election timeout (1-2 s of ticks): every group the node led elects another leader.
    private static readonly TimeSpan PauseFor = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Raft_cluster_should_serve_no_stale_read_and_lose_no_write_when_a_leader_is_paused_past_an_election()
    {
        using var cluster = RaftTestCluster.Start();
        var hosts = cluster.Hosts;
        var ledger = new WriteLedger();
        var history = new KvHistory();
        var random = new Random(20261206);
        try
        {
            await cluster.WaitUntilServingAsync();
            var clients = new List<KvClient>();
            foreach (var host in hosts) clients.Add(await KvClient.ConnectAsync(host.Endpoint, ClientOptions));
            foreach (var client in clients) await WritableAsync(client, TimeSpan.FromSeconds(60));

            var victim = cluster.BusiestLeader(out var led);
            using var stop = new CancellationTokenSource();
            var load = new List<Task>();
            // Every worker goes on after a failure, the paused node's included: its requests wait out the pause.
            var connections = await cluster.StartLoadAsync(ledger, history, random, _ => true, load, stop.Token);

            await Eventually.TrueAsync(() => ledger.Acknowledged >= 300 || load.All(t => t.IsCompleted), TimeSpan.FromSeconds(60));
            var clock = Stopwatch.StartNew();
            hosts[victim].Pause();
            var ackedAtPause = ledger.Acknowledged;
            TimeSpan resumedWriting;
            try
            {
                // The survivors take writes on every partition during the pause, the frozen node's included.
                var survivor = Enumerable.Range(0, Nodes).First(n => n != victim);
                await WritableAsync(clients[survivor], PauseFor);
                resumedWriting = clock.Elapsed;
                // The fault is a pause of a set length, not a wait for a condition.
                var left = PauseFor - clock.Elapsed;
                if (left > TimeSpan.Zero) await Task.Delay(left);
            }
            finally
            {
                hosts[victim].Resume();
            }

            var ackedInPause = ledger.Acknowledged - ackedAtPause;
            // The resumed node serves again: writes through it reach the new leaders.
            await WritableAsync(clients[victim], TimeSpan.FromSeconds(30));
            var ackedAtResume = ledger.Acknowledged;
            await Eventually.TrueAsync(() => ledger.Acknowledged >= ackedAtResume + 300, TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(load);

            // A leader steps down when it hears of a newer term; one whose journal write outlived the circuit breaker's
            // timeout across the pause stops instead and comes back as a follower from its journal.
            var deposed = NoLongerLeaderLine().Matches(hosts[victim].Output).Concat(ReplicaStoppedLine().Matches(hosts[victim].Output))
                .Select(m => int.Parse(m.Groups["partition"].Value)).ToHashSet();
            output.WriteLine($"paused node {victim} (led partitions {string.Join(",", led)}) for {PauseFor.TotalSeconds:0}s; every partition took writes " +
                             $"through a survivor {resumedWriting.TotalSeconds:F1}s into the pause, {ackedInPause} writes acknowledged during it; " +
                             $"after SIGCONT the node stepped down (or restarted its replica) for partitions {string.Join(",", deposed.Order())}; " +
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

    [GeneratedRegex(@"Replica \d+ of partition (?<partition>\d+) is no longer leader")]
    private static partial Regex NoLongerLeaderLine();

    [GeneratedRegex(@"Replica of partition (?<partition>\d+) stopped; starting it again")]
    private static partial Regex ReplicaStoppedLine();
}
