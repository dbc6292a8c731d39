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
/// Kills the real kv-server with SIGKILL again and again under concurrent native and RESP load, and restarts it on
/// the same data directory. Each cycle: restart (it must come back), check the store against the ledger of
/// acknowledged writes, load it with writers of their own keys and with linearizability workers on five shared
/// keys, kill it at a random moment. Snapshots are taken every 50 events, so kills also land while a snapshot is
/// saved or the journal is compacted. At the end the whole history, across every crash, must be linearizable, with
/// the operations in flight at each kill indeterminate.
/// CI runs <see cref="CiCycles"/> cycles; <c>KV_CRASH_CYCLES=200</c> runs a long one (and <c>KV_CRASH_SEED</c>
/// changes the random choices).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CrashHarnessSpec(ITestOutputHelper output)
{
    private const int CiCycles = 10;
    private static readonly string[] SharedKeys = ["k0", "k1", "k2", "k3", "k4"];
    // Connecting and verifying may be slow on a busy machine; an operation of the load that is slow merely ends its
    // worker (indeterminate), and a short timeout keeps the wait for replies that died with the server short.
    private static readonly KvClientOptions ClientOptions = new() { Timeout = TimeSpan.FromSeconds(30), LogLevel = "OFF" };
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Host_should_keep_acknowledged_writes_and_stay_linearizable_across_repeated_kill_minus_9()
    {
        var cycles = Setting("KV_CRASH_CYCLES", CiCycles);
        var seed = Setting("KV_CRASH_SEED", 20_261_126);
        var random = new Random(seed);
        using var data = new TempDirectory("kvactors-crash");
        var ledger = new WriteLedger();
        var history = new KvHistory();
        var totals = new LedgerCheck();
        var snapshots = new List<long>();
        var elapsed = Stopwatch.StartNew();

        for (var cycle = 0; cycle <= cycles; cycle++)
        {
            using var host = await HostProcess.StartServingAsync(data.Path, "--snapshot-every", "50", "--partitions", "4");
            await using var client = await KvClient.ConnectAsync(host.Endpoint, ClientOptions);
            snapshots.Add((await client.GetStatsAsync()).SnapshotSequenceNr);
            await VerifyAsync(client, ledger, history, cycle, totals);
            if (cycle == cycles) break;

            await RunUntilKilledAsync(host, client, ledger, history, cycle, random);
        }

        var check = LinearizabilityChecker.Check(history.Operations(), new KvModel(), TimeSpan.FromMinutes(2));
        output.WriteLine(
            $"crash harness (seed {seed}): {cycles} kill -9 cycles in {elapsed.Elapsed.TotalSeconds:F0}s; {ledger.Acknowledged} acknowledged writes, " +
            $"{totals.Lost} lost, {totals.Unconfirmed} in flight at a kill ({totals.Landed} of them landed); " +
            $"{history.Count} operations on shared keys, {history.Indeterminate()} indeterminate: {check.Verdict}; " +
            $"snapshot sequence at each restart: {string.Join(",", snapshots)}");
        Assert.True(totals.Problems.Count == 0, string.Join("\n", totals.Problems));
        Assert.True(check.IsLinearizable, check.ToString());
        Assert.True(ledger.Acknowledged >= cycles * 20, $"only {ledger.Acknowledged} writes were acknowledged");
        Assert.True(snapshots.Max() > 0, "no snapshot was ever taken");
    }

    private static async Task RunUntilKilledAsync(HostProcess host, KvClient client, WriteLedger ledger, KvHistory history, int cycle, Random random)
    {
        var resp = IPEndPoint.Parse(host.RespEndpoint);
        var connections = new[] { await RawRespClient.ConnectAsync(resp), await RawRespClient.ConnectAsync(resp), await RawRespClient.ConnectAsync(resp), await RawRespClient.ConnectAsync(resp) };
        IKvHistoryClient native = new NativeHistoryClient(client, LoadTimeout);
        var process = cycle * 10;
        using var stop = new CancellationTokenSource();
        var runs = new List<Task>
        {
            Run(new LedgerWriter(0, $"c{cycle}", native, ledger, random.Next()).RunAsync),
            Run(new LedgerWriter(1, $"c{cycle}", native, ledger, random.Next()).RunAsync),
            Run(new LedgerWriter(2, $"c{cycle}", new RespHistoryClient(connections[0]), ledger, random.Next()).RunAsync),
            Run(new LedgerWriter(3, $"c{cycle}", new RespHistoryClient(connections[1]), ledger, random.Next()).RunAsync),
            Run(new HistoryWorker(process, native, history, SharedKeys, random.Next()).RunAsync),
            Run(new HistoryWorker(process + 1, native, history, SharedKeys, random.Next()).RunAsync),
            Run(new HistoryWorker(process + 2, new RespHistoryClient(connections[2]), history, SharedKeys, random.Next()).RunAsync),
            Run(new HistoryWorker(process + 3, new RespHistoryClient(connections[3]), history, SharedKeys, random.Next()).RunAsync),
        };

        // Kill after a random amount of acknowledged work: at a random point of the snapshot/compaction rhythm.
        var killAfter = ledger.Acknowledged + random.Next(10, 300);
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (ledger.Acknowledged < killAfter && !runs.All(r => r.IsCompleted) && !patience.IsCancellationRequested)
                await Task.Delay(random.Next(1, 10));
        }

        host.Kill();
        await stop.CancelAsync();
        await Task.WhenAll(runs);
        history.ServerDied();
        foreach (var connection in connections) await connection.DisposeAsync();
        return;

        Task Run(Func<CancellationToken, Task> work) => Task.Run(() => work(stop.Token));
    }

    // After a restart: the ledger's keys against what the store holds, every key accounted for, and a read of each
    // shared key recorded in the history (it shows what survived the crash).
    private static async Task VerifyAsync(KvClient client, WriteLedger ledger, KvHistory history, int cycle, LedgerCheck totals)
    {
        var stored = new Dictionary<string, (string Value, long Revision)>(StringComparer.Ordinal);
        await foreach (var entry in client.ScanAsync())
        {
            if (SharedKeys.Contains(entry.Key)) continue;
            stored[entry.Key] = (System.Text.Encoding.UTF8.GetString(entry.Value), entry.Revision);
        }

        var check = ledger.Verify(stored);
        totals.Lost += check.Lost;
        totals.Unconfirmed += check.Unconfirmed;
        totals.Landed += check.Landed;
        totals.Problems.AddRange(check.Problems.Select(p => $"restart {cycle}: {p}"));

        var reader = new NativeHistoryClient(client);
        foreach (var key in SharedKeys)
        {
            var read = history.Invoke(cycle * 10 + 9, KvOperationKind.Get, key);
            read.Complete(await reader.ExecuteAsync(read.Invoked));
        }
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value > 0 ? value : fallback;
}
