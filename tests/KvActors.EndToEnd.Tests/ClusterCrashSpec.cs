using System.Diagnostics;
using System.Net;
using KvActors.Client;
using KvActors.TestSupport;
using KvActors.TestSupport.Crash;
using KvActors.TestSupport.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// Three real kv-server processes form a cluster on loopback over one shared SQLite journal, with four partitions
/// spread over them. Writers (native and RESP, through every node) record every acknowledged write, workers on
/// shared keys record a history, and one node is killed with SIGKILL under that load. Then every partition must
/// take writes again through a survivor (its time is reported against the 5 s target), every acknowledged write
/// must be there, and the history must be linearizable, with operations in flight at the kill indeterminate.
/// CI kills once; <c>KV_CLUSTER_CRASH_KILLS=N</c> runs N cycles (kill a node in turn under load, verify, restart
/// it, let it rejoin) for a long run. The same runs on a shared PostgreSQL journal where one is available
/// (<see cref="PostgresFactAttribute"/>).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClusterCrashSpec(ITestOutputHelper output)
{
    private const int Partitions = 4;
    private static readonly string[] SharedKeys = ["k0", "k1", "k2", "k3", "k4", "k5"];
    private static readonly string[] ProbeKeys = Enumerable.Range(0, 16).Select(i => $"probe{i}").ToArray();
    private static readonly KvClientOptions ClientOptions = new() { Timeout = TimeSpan.FromSeconds(5), LogLevel = "OFF" };

    [Fact]
    public async Task Cluster_should_keep_acknowledged_writes_and_stay_linearizable_when_a_node_is_killed_under_load()
    {
        using var journal = new TempDirectory("kvactors-cluster-crash");
        await KillUnderLoadAsync($"sqlite:{journal.Path}");
    }

    [PostgresFact]
    public async Task Cluster_on_PostgreSQL_should_keep_acknowledged_writes_when_a_node_is_killed_under_load()
    {
        using var database = PostgresDatabase.Create();
        await KillUnderLoadAsync(database.Journal);
    }

    private async Task KillUnderLoadAsync(string journal)
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("KV_CLUSTER_CRASH_KILLS"), out var n) && n > 0 ? n : 1;
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort.Find()).ToArray();
        var seeds = string.Join(",", ports.Select(p => $"127.0.0.1:{p}"));
        var hosts = ports.Select(StartNode).ToArray();
        var ledger = new WriteLedger();
        var history = new KvHistory();
        var totals = new LedgerCheck();
        var failovers = new List<double>();
        var random = new Random(20261126);
        var elapsed = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.WaitUntilServingAsync(TimeSpan.FromSeconds(90))));
            for (var kill = 0; kill < kills; kill++)
            {
                var victim = (2 + kill) % 3;
                failovers.Add(await KillOneAsync(hosts, victim, kill, ports[victim], ledger, history, totals, random));
                hosts[victim].Dispose();
                if (kill == kills - 1) break;

                hosts[victim] = StartNode(ports[victim]);
                await hosts[victim].WaitUntilServingAsync(TimeSpan.FromSeconds(90));
                // By now every request left waiting by the kill has been delivered or dropped: partitions took writes
                // again, and the restarted node only serves once it is a member. So nothing pending can still act.
                history.ServerDied();
            }
        }
        finally
        {
            foreach (var host in hosts) host.Dispose();
        }

        var verdict = LinearizabilityChecker.Check(history.Operations(), new KvModel(), TimeSpan.FromMinutes(2));
        failovers.Sort();
        output.WriteLine($"{kills} kill -9 in {elapsed.Elapsed.TotalSeconds:F0}s; failover median {failovers[failovers.Count / 2]:F1}s, worst {failovers[^1]:F1}s; " +
                         $"{ledger.Acknowledged} acknowledged writes, {totals.Lost} lost, {totals.Unconfirmed} in flight at a kill ({totals.Landed} landed); " +
                         $"{history.Count} operations on shared keys, {history.Indeterminate()} indeterminate: {verdict.Verdict}");
        Assert.True(totals.Problems.Count == 0, string.Join("\n", totals.Problems));
        Assert.True(verdict.IsLinearizable, verdict.ToString());
        Assert.True(ledger.Acknowledged >= 100 * kills, $"only {ledger.Acknowledged} writes were acknowledged");

        HostProcess StartNode(int port) => HostProcess.Start("--port", $"{port}", "--journal", journal,
            "--partitions", $"{Partitions}", "--snapshot-every", "100", "--seed-nodes", seeds);
    }

    // One cycle: load through every node, kill -9 of the victim, time until every partition takes writes through a
    // survivor, then check every acknowledged write is stored. Returns the failover time in seconds.
    private async Task<double> KillOneAsync(HostProcess[] hosts, int victim, int cycle, int victimPort,
        WriteLedger ledger, KvHistory history, LedgerCheck totals, Random random)
    {
        var clients = new List<KvClient>();
        var connections = new List<RawRespClient>();
        using var stop = new CancellationTokenSource();
        try
        {
            foreach (var host in hosts) clients.Add(await KvClient.ConnectAsync(host.Endpoint, ClientOptions));
            foreach (var client in clients) await WritableAsync(client, TimeSpan.FromSeconds(90));

            var load = new List<Task>();
            for (var node = 0; node < 3; node++)
            {
                var resp = await RawRespClient.ConnectAsync(IPEndPoint.Parse(hosts[node].RespEndpoint));
                var respHistory = await RawRespClient.ConnectAsync(IPEndPoint.Parse(hosts[node].RespEndpoint));
                connections.AddRange([resp, respHistory]);
                IKvHistoryClient native = new NativeHistoryClient(clients[node], ClientOptions.Timeout);
                var id = cycle * 6 + node * 2;
                load.Add(Run(new LedgerWriter(id, $"c{cycle}", native, ledger, random.Next()).RunAsync));
                load.Add(Run(new LedgerWriter(id + 1, $"c{cycle}", new RespHistoryClient(resp), ledger, random.Next()).RunAsync));
                load.Add(Run(new HistoryWorker(id, native, history, SharedKeys, random.Next()).RunAsync));
                load.Add(Run(new HistoryWorker(id + 1, new RespHistoryClient(respHistory), history, SharedKeys, random.Next()).RunAsync));
            }

            var killAt = ledger.Acknowledged + 300;
            await Eventually.TrueAsync(() => ledger.Acknowledged >= killAt || load.All(t => t.IsCompleted), TimeSpan.FromSeconds(60));
            var killed = Stopwatch.StartNew();
            hosts[victim].Kill();
            var survivor = clients[(victim + 1) % 3];
            var failover = await WritableAsync(survivor, TimeSpan.FromSeconds(90));
            var seconds = killed.Elapsed.TotalSeconds;
            output.WriteLine($"kill {cycle + 1} (node {victim}): every partition took writes again through a survivor {seconds:F1}s after kill -9 " +
                             $"(last probe round {failover.TotalSeconds:F1}s; target 5s)");
            // The killed process's port refused connections, so a survivor downed it at once instead of waiting for
            // the failure detector and the split brain resolver. Awaited, not checked once: when the victim hosted no
            // partition, writes resume before the survivors have even noticed the kill.
            await Eventually.AssertAsync(() =>
            {
                Assert.Contains(hosts.Where((_, i) => i != victim), h => h.Output.Contains($"Downing akka.tcp://kv@127.0.0.1:{victimPort}: its process is gone", StringComparison.Ordinal));
                return Task.CompletedTask;
            }, TimeSpan.FromSeconds(30));

            await stop.CancelAsync();
            await Task.WhenAll(load);

            // A scan touches every partition; one may still be settling after the failover, so a whole scan is retried.
            var stored = new Dictionary<string, (string Value, long Revision)>(StringComparer.Ordinal);
            await Eventually.AssertAsync(async () =>
            {
                stored.Clear();
                await foreach (var entry in survivor.ScanAsync())
                {
                    if (entry.Key.StartsWith('o')) stored[entry.Key] = (System.Text.Encoding.UTF8.GetString(entry.Value), entry.Revision);
                }
            }, TimeSpan.FromSeconds(60));

            var check = ledger.Verify(stored);
            totals.Lost += check.Lost;
            totals.Unconfirmed += check.Unconfirmed;
            totals.Landed += check.Landed;
            totals.Problems.AddRange(check.Problems.Select(p => $"kill {cycle + 1}: {p}"));
            return seconds;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var connection in connections) await connection.DisposeAsync();
            foreach (var client in clients) await client.DisposeAsync();
        }

        Task Run(Func<CancellationToken, Task> work) => Task.Run(() => work(stop.Token));
    }

    // Until one round of writes to keys on every partition succeeds through the client's node; returns that round's time.
    private static async Task<TimeSpan> WritableAsync(KvClient client, TimeSpan within)
    {
        var round = Stopwatch.StartNew();
        await Eventually.AssertAsync(async () =>
        {
            round.Restart();
            foreach (var key in ProbeKeys) await client.SetAsync(key, "x", timeout: TimeSpan.FromSeconds(1));
        }, within, TimeSpan.FromMilliseconds(50));
        return round.Elapsed;
    }
}
