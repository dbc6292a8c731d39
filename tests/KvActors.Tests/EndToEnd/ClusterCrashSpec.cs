using System.Diagnostics;
using System.Net;
using KvActors.Client;
using KvActors.Tests.Crash;
using KvActors.Tests.Infrastructure;
using KvActors.Tests.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.EndToEnd;

/// <summary>
/// Three real kv-server processes form a cluster on loopback over one shared SQLite journal, with four partitions
/// spread over them. Writers (native and RESP, through every node) record every acknowledged write, workers on
/// shared keys record a history, and one node is killed with SIGKILL under that load. Then every partition must
/// take writes again through a survivor (its time is reported against the 5 s target), every acknowledged write
/// must be there, and the history must be linearizable, with operations in flight at the kill indeterminate.
/// The same runs on a shared PostgreSQL journal where one is available (<see cref="PostgresFactAttribute"/>).
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
        await KillOneOfThreeAsync($"sqlite:{journal.Path}");
    }

    [PostgresFact]
    public async Task Cluster_on_PostgreSQL_should_keep_acknowledged_writes_when_a_node_is_killed_under_load()
    {
        using var database = PostgresDatabase.Create();
        await KillOneOfThreeAsync(database.Journal);
    }

    private async Task KillOneOfThreeAsync(string journal)
    {
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort.Find()).ToArray();
        var seeds = string.Join(",", ports.Select(p => $"127.0.0.1:{p}"));
        var hosts = ports.Select(port => HostProcess.Start("--port", $"{port}", "--journal", journal,
            "--partitions", $"{Partitions}", "--snapshot-every", "100", "--seed-nodes", seeds)).ToArray();
        var clients = new List<KvClient>();
        using var stop = new CancellationTokenSource();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.WaitUntilServingAsync(TimeSpan.FromSeconds(90))));
            foreach (var host in hosts) clients.Add(await KvClient.ConnectAsync(host.Endpoint, ClientOptions));
            foreach (var client in clients) await WritableAsync(client, TimeSpan.FromSeconds(90));

            var ledger = new WriteLedger();
            var history = new KvHistory();
            var random = new Random(20261126);
            var connections = new List<RawRespClient>();
            var load = new List<Task>();
            for (var node = 0; node < 3; node++)
            {
                var resp = await RawRespClient.ConnectAsync(IPEndPoint.Parse(hosts[node].RespEndpoint));
                var respHistory = await RawRespClient.ConnectAsync(IPEndPoint.Parse(hosts[node].RespEndpoint));
                connections.AddRange([resp, respHistory]);
                IKvHistoryClient native = new NativeHistoryClient(clients[node], ClientOptions.Timeout);
                load.Add(Run(new LedgerWriter(node * 2, "c", native, ledger, random.Next()).RunAsync));
                load.Add(Run(new LedgerWriter(node * 2 + 1, "c", new RespHistoryClient(resp), ledger, random.Next()).RunAsync));
                load.Add(Run(new HistoryWorker(node * 2, native, history, SharedKeys, random.Next()).RunAsync));
                load.Add(Run(new HistoryWorker(node * 2 + 1, new RespHistoryClient(respHistory), history, SharedKeys, random.Next()).RunAsync));
            }

            await Eventually.TrueAsync(() => ledger.Acknowledged >= 300 || load.All(t => t.IsCompleted), TimeSpan.FromSeconds(60));
            var killed = Stopwatch.StartNew();
            hosts[2].Kill();
            var failover = await WritableAsync(clients[0], TimeSpan.FromSeconds(90));
            output.WriteLine($"every partition took writes again through a survivor {killed.Elapsed.TotalSeconds:F1}s after kill -9 " +
                             $"(last probe round {failover.TotalSeconds:F1}s; target 5s)");
            // The killed process's port refused connections, so a survivor downed it at once instead of waiting for
            // the failure detector and the split brain resolver.
            Assert.Contains(hosts.Take(2), h => h.Output.Contains($"Downing akka.tcp://kv@127.0.0.1:{ports[2]}: its process is gone", StringComparison.Ordinal));

            await stop.CancelAsync();
            await Task.WhenAll(load);
            foreach (var connection in connections) await connection.DisposeAsync();

            // A scan touches every partition; one may still be settling after the failover, so a whole scan is retried.
            var stored = new Dictionary<string, (string Value, long Revision)>(StringComparer.Ordinal);
            await Eventually.AssertAsync(async () =>
            {
                stored.Clear();
                await foreach (var entry in clients[0].ScanAsync())
                {
                    if (entry.Key.StartsWith('o')) stored[entry.Key] = (System.Text.Encoding.UTF8.GetString(entry.Value), entry.Revision);
                }
            }, TimeSpan.FromSeconds(60));

            var check = ledger.Verify(stored);
            var verdict = LinearizabilityChecker.Check(history.Operations(), new KvModel(), TimeSpan.FromMinutes(2));
            output.WriteLine($"{ledger.Acknowledged} acknowledged writes, {check.Lost} lost, {check.Unconfirmed} in flight at the kill " +
                             $"({check.Landed} landed); {history.Count} operations on shared keys, {history.Indeterminate()} indeterminate: {verdict.Verdict}");
            Assert.True(check.Problems.Count == 0, string.Join("\n", check.Problems));
            Assert.True(verdict.IsLinearizable, verdict.ToString());
            Assert.True(ledger.Acknowledged >= 100, $"only {ledger.Acknowledged} writes were acknowledged");
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
            foreach (var host in hosts) host.Dispose();
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
