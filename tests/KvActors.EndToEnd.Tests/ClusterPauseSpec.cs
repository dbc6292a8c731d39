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
/// Jepsen's pause: three real kv-server processes on a shared journal, snapshots every 10 changes, clients reading
/// and writing through every node (and a pipelined RESP connection straight to the victim), and the node hosting the
/// most partitions stopped with SIGSTOP for longer than the failure detector's patience, then continued. The
/// survivors take its partitions over; the resumed node must answer nothing from its stale memory and get nothing
/// into the journal. Checked: every acknowledged write is there live and after a full restart of the cluster, and
/// the history on shared keys is linearizable (a stale read would break it). <c>KV_CLUSTER_PAUSE_SECONDS</c> sets
/// the pause (default 12).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClusterPauseSpec(ITestOutputHelper output)
{
    private const int Partitions = 8;
    // Many keys, few operations each: workers that go on after a failure leave operations of unknown outcome, and the
    // checker's search grows with those per key.
    private static readonly string[] SharedKeys = Enumerable.Range(0, 16).Select(i => $"k{i}").ToArray();
    // Pinned to their node (no member discovery): reads and writes through the paused node must go on after it resumes.
    private static readonly KvClientOptions ClientOptions = new() { Timeout = TimeSpan.FromSeconds(3), LogLevel = "OFF", MembershipRefresh = TimeSpan.Zero };

    [Fact]
    public async Task Cluster_should_lose_no_acknowledged_write_and_serve_no_stale_read_when_a_partition_owner_is_paused()
    {
        using var journal = new TempDirectory("kvactors-cluster-pause");
        await PauseUnderLoadAsync($"sqlite:{journal.Path}");
    }

    [PostgresFact]
    public async Task Cluster_on_PostgreSQL_should_lose_no_acknowledged_write_and_serve_no_stale_read_when_a_partition_owner_is_paused()
    {
        using var database = PostgresDatabase.Create();
        await PauseUnderLoadAsync(database.Journal);
    }

    private async Task PauseUnderLoadAsync(string journal)
    {
        var pause = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("KV_CLUSTER_PAUSE_SECONDS"), out var s) && s > 0 ? s : 12);
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort.Find()).ToArray();
        var seeds = string.Join(",", ports.Select(p => $"127.0.0.1:{p}"));
        var hosts = ports.Select(StartNode).ToArray();
        var ledger = new WriteLedger();
        var history = new KvHistory();
        var random = new Random(20261204);
        var clients = new List<KvClient>();
        using var stop = new CancellationTokenSource();
        var pipelined = 0;
        try
        {
            await Task.WhenAll(hosts.Select(h => h.WaitUntilServingAsync(TimeSpan.FromSeconds(90))));
            foreach (var host in hosts) clients.Add(await KvClient.ConnectAsync(host.Endpoint, ClientOptions));
            var victim = await BusiestNodeAsync(clients[0], ports);

            var load = new List<Task>();
            for (var node = 0; node < 3; node++)
            {
                IKvHistoryClient native = new NativeHistoryClient(clients[node], ClientOptions.Timeout);
                load.Add(Run(new LedgerWriter(node, "p", native, ledger, random.Next(), continueAfterFailure: true).RunAsync));
                load.Add(Run(new HistoryWorker(node * 2, native, history, SharedKeys, random.Next(), continueAfterFailure: true).RunAsync));
                load.Add(Run(new HistoryWorker(node * 2 + 1, native, history, SharedKeys, random.Next(), continueAfterFailure: true).RunAsync));
            }
            var pipeline = await RawRespClient.ConnectAsync(IPEndPoint.Parse(hosts[victim].RespEndpoint));
            load.Add(Run(async token => pipelined = await PipelineAsync(pipeline, ledger, token)));

            var pauseAt = ledger.Acknowledged + 300;
            await Eventually.TrueAsync(() => ledger.Acknowledged >= pauseAt, TimeSpan.FromSeconds(60));
            hosts[victim].Pause();
            var paused = Stopwatch.StartNew();
            var acknowledgedAtPause = ledger.Acknowledged;
            // The survivors take the partitions over during the pause: writes through them go on.
            await Eventually.TrueAsync(() => ledger.Acknowledged >= acknowledgedAtPause + 200 || paused.Elapsed > pause, pause + TimeSpan.FromSeconds(5));
            await Eventually.TrueAsync(() => paused.Elapsed >= pause, pause + TimeSpan.FromSeconds(5));
            hosts[victim].Resume();
            output.WriteLine($"node {victim} paused for {paused.Elapsed.TotalSeconds:F1}s; {ledger.Acknowledged - acknowledgedAtPause} writes acknowledged meanwhile");

            // Load goes on while the resumed node finds out it lost its partitions (and is downed).
            var resumedAt = ledger.Acknowledged;
            await Eventually.TrueAsync(() => ledger.Acknowledged >= resumedAt + 300, TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(load);
            await pipeline.DisposeAsync();

            var survivor = clients[(victim + 1) % 3];
            var live = await VerifyAsync(ledger, survivor, "live");
            foreach (var client in clients) await client.DisposeAsync();
            clients.Clear();

            // A full restart: what the journal holds is all there is.
            foreach (var host in hosts) host.Dispose();
            history.ServerDied();
            hosts = ports.Select(StartNode).ToArray();
            await Task.WhenAll(hosts.Select(h => h.WaitUntilServingAsync(TimeSpan.FromSeconds(90))));
            await using var restarted = await KvClient.ConnectAsync(hosts[0].Endpoint, ClientOptions);
            var afterRestart = await VerifyAsync(ledger, restarted, "after a full restart");

            // A read that never returned has no effect and constrains nothing: left out, it costs the search nothing.
            var operations = history.Operations().Where(op => op.CompletedAt is not null || op.Kind != KvOperationKind.Get).ToList();
            var verdict = LinearizabilityChecker.Check(operations, new KvModel(), TimeSpan.FromMinutes(2));
            output.WriteLine($"{ledger.Acknowledged} acknowledged writes ({pipelined} pipelined straight to the paused node); lost live {live.Lost}, " +
                             $"after restart {afterRestart.Lost}; {history.Count} operations on shared keys, {history.Indeterminate()} indeterminate: {verdict.Verdict}");
            Assert.True(live.Problems.Count == 0, string.Join("\n", live.Problems));
            Assert.True(afterRestart.Problems.Count == 0, string.Join("\n", afterRestart.Problems));
            Assert.True(verdict.IsLinearizable, verdict.ToString());
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var client in clients) await client.DisposeAsync();
            foreach (var host in hosts)
            {
                try { host.Resume(); } catch (InvalidOperationException) { }
                host.Dispose();
            }
        }

        HostProcess StartNode(int port) => HostProcess.Start("--port", $"{port}", "--journal", journal,
            "--partitions", $"{Partitions}", "--snapshot-every", "10", "--seed-nodes", seeds);

        Task Run(Func<CancellationToken, Task> work) => Task.Run(() => work(stop.Token));
    }

    // The node hosting the most partitions, once all three nodes are Up and every partition is placed.
    private static async Task<int> BusiestNodeAsync(KvClient client, int[] ports)
    {
        var busiest = -1;
        await Eventually.AssertAsync(async () =>
        {
            var members = (await client.GetClusterMembersAsync()).Members;
            Assert.Equal(3, members.Count(m => m.Status == "Up"));
            Assert.Equal(Partitions, members.Sum(m => m.Partitions.Count));
            var top = members.OrderByDescending(m => m.Partitions.Count).First();
            busiest = Array.FindIndex(ports, p => top.Address.EndsWith($":{p}", StringComparison.Ordinal));
            Assert.True(busiest >= 0);
        }, TimeSpan.FromSeconds(90));
        return busiest;
    }

    // Rounds of 16 pipelined SETs on the connection's own keys; each OK is an acknowledged write. Replies to a round
    // sent during the pause come after it: they must be refusals, or writes that are really there.
    private static async Task<int> PipelineAsync(RawRespClient connection, WriteLedger ledger, CancellationToken stop)
    {
        var acknowledged = 0;
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            var keys = Enumerable.Range(0, 16).Select(i => ($"opipe-{round}-{i}", $"pipe-{round}-{i}")).ToArray();
            foreach (var (key, value) in keys) ledger.Attempt(key, value);
            await connection.SendAsync(keys.SelectMany(k => RawRespClient.Encode("SET", k.Item1, k.Item2)).ToArray());
            foreach (var (key, value) in keys)
            {
                string reply;
                try
                {
                    reply = await connection.ReadReplyAsync();
                }
                catch (Exception)
                {
                    return acknowledged; // the connection closed (the resumed node was downed and exited)
                }

                if (reply.StartsWith("+OK", StringComparison.Ordinal))
                {
                    ledger.Acknowledge(key, value, null);
                    acknowledged++;
                }
            }
        }

        return acknowledged;
    }

    private async Task<LedgerCheck> VerifyAsync(WriteLedger ledger, KvClient client, string when)
    {
        var stored = new Dictionary<string, (string Value, long Revision)>(StringComparer.Ordinal);
        await Eventually.AssertAsync(async () =>
        {
            stored.Clear();
            await foreach (var entry in client.ScanAsync())
            {
                if (entry.Key.StartsWith('o')) stored[entry.Key] = (System.Text.Encoding.UTF8.GetString(entry.Value), entry.Revision);
            }
        }, TimeSpan.FromSeconds(60));
        var check = ledger.Verify(stored);
        output.WriteLine($"{when}: {stored.Count} keys, {check.Lost} acknowledged writes lost, {check.Unconfirmed} of unknown outcome ({check.Landed} landed)");
        return check;
    }
}
