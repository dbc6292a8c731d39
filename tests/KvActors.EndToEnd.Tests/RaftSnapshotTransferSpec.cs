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
/// Snapshots cut off in the middle of their pieces. Values are capped small, so a piece (a value and a key) is about
/// 4 KB, while long keys make each partition's state megabytes: a node that fell behind the leaders' compacted logs is
/// re-filled by hundreds of acknowledged pieces per partition. It is killed (kill -9) while they arrive; started
/// again, it must be re-filled from scratch. Then the leader sending to it is killed mid-transfer, and the group's new
/// leader must start the transfer over. Under load throughout: the node then serves every key from its own replicas
/// (stale reads through it), no acknowledged write is missing, and the history on shared keys is linearizable.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class RaftSnapshotTransferSpec(ITestOutputHelper output)
{
    private const int Receiver = 2;
    private const int BulkKeys = 3000;
    private static readonly string LongKey = new('s', 4000);

    [Fact]
    public async Task Raft_snapshot_cut_off_by_a_kill_of_either_end_should_start_over_and_refill_the_node()
    {
        using var cluster = StartWithSpares(0, """
            kv.max-value-bytes = 64
            kv.raft.snapshot-every = 200
            kv.raft.snapshot-catch-up-entries = 10
            """);
        var hosts = cluster.Hosts;
        var ledger = new WriteLedger();
        var history = new KvHistory();
        try
        {
            await cluster.WaitUntilServingAsync();
            await using var through0 = await KvClient.ConnectAsync(hosts[0].Endpoint, ClientOptions);
            await WritableAsync(through0, TimeSpan.FromSeconds(60));
            // Replica ids are per group: the receiver's are (partition, id) pairs.
            var receiverIds = new HashSet<(int, long)>();
            await Eventually.AssertAsync(async () =>
            {
                receiverIds = (await through0.GetPartitionReplicasAsync()).Replicas
                    .Where(r => r.Node == cluster.AddressOf(Receiver)).Select(r => (r.Partition, r.ReplicaId)).ToHashSet();
                Assert.Equal(Partitions, receiverIds.Count);
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

            var phases = new List<string>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            void Phase(string name)
            {
                phases.Add($"{name} {clock.Elapsed.TotalSeconds:F1}s");
                clock.Restart();
            }

            using var stop = new CancellationTokenSource();
            var load = new List<Task>();
            var connections = await cluster.StartLoadAsync(ledger, history, new Random(20261209), _ => true, load, stop.Token);
            await Eventually.TrueAsync(() => ledger.Acknowledged >= 100, TimeSpan.FromSeconds(60));

            // The receiver falls behind by megabytes per partition, past what the leaders keep of their logs.
            hosts[Receiver].Kill();
            await WritableAsync(through0, TimeSpan.FromSeconds(60));
            await Parallel.ForEachAsync(Enumerable.Range(0, BulkKeys), new ParallelOptions { MaxDegreeOfParallelism = 32 },
                async (i, _) => await UntilAcknowledgedAsync(() => through0.SetAsync($"{i:00000}{LongKey}", $"v{i}", timeout: TimeSpan.FromSeconds(30))));

            Phase("bulk load");
            // Killed while the pieces arrive: at least one partition's transfer is cut short.
            var sent = SendingTo(cluster, receiverIds);
            cluster.Restart(Receiver);
            var (_, firstSender) = await NextSendingAsync(cluster, receiverIds, sent);
            Phase("first transfer begun");
            hosts[Receiver].Kill();
            var completed = ReceivedLine().Matches(hosts[Receiver].Output).Select(m => int.Parse(m.Groups["partition"].Value)).ToHashSet();
            Assert.True(completed.Count < Partitions, $"every transfer finished before the kill: {string.Join(", ", completed)}");

            // Started again with nothing of them kept; and now the sending leader dies mid-transfer.
            sent = SendingTo(cluster, receiverIds);
            cluster.Restart(Receiver);
            var (partition, sender) = await NextSendingAsync(cluster, receiverIds, sent);
            Phase("second transfer begun");
            hosts[sender].Kill();
            var survivor = 3 - Receiver - sender; // the node that is neither

            // The receiver holds every key in its own replicas: stale reads through it read nothing else.
            await hosts[Receiver].WaitUntilServingAsync(TimeSpan.FromSeconds(90));
            await using var stale = await KvClient.ConnectAsync(hosts[Receiver].Endpoint, ClientOptions with { Reads = ReadConsistency.Stale });
            await Eventually.AssertAsync(async () =>
            {
                for (var i = 0; i < BulkKeys; i++)
                {
                    var found = await stale.TryGetAsync($"{i:00000}{LongKey}");
                    Assert.True(found is not null, $"key {i} is missing on node {Receiver}");
                    Assert.Equal($"v{i}", System.Text.Encoding.UTF8.GetString(found.Value));
                }
            }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500));
            Assert.Contains($"Partition {partition}: received the snapshot", hosts[Receiver].Output);
            Phase("refilled");
            // Their job done, the bulk keys go: scanning megabytes of long keys through every node adds nothing.
            await using (var through = await KvClient.ConnectAsync(hosts[survivor].Endpoint, ClientOptions))
                await Parallel.ForEachAsync(Enumerable.Range(0, BulkKeys), new ParallelOptions { MaxDegreeOfParallelism = 32 },
                    async (i, _) => await UntilAcknowledgedAsync(() => through.TryDeleteAsync($"{i:00000}{LongKey}", timeout: TimeSpan.FromSeconds(30))));
            Phase("bulk deleted");

            cluster.Restart(sender);
            await hosts[sender].WaitUntilServingAsync(TimeSpan.FromSeconds(90));
            var acknowledged = ledger.Acknowledged;
            await Eventually.TrueAsync(() => ledger.Acknowledged >= acknowledged + 100, TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(load);
            foreach (var connection in connections) await connection.DisposeAsync();
            // Whether a survivor had the receiver as removed and learned it was back from its Raft traffic alone.
            var heard = hosts.Count(h => h.Output.Contains("which the cluster removed: a new process there"));
            output.WriteLine($"{heard} node(s) resumed sending to a removed node on hearing its Raft traffic");
            output.WriteLine($"node {Receiver} killed mid-transfer from node {firstSender} ({completed.Count} of {Partitions} partitions complete), " +
                             $"then node {sender} killed while sending partition {partition}; node {survivor} took over; " +
                             $"{BulkKeys} bulk keys read from node {Receiver}'s replicas; {ledger.Acknowledged} acknowledged writes");

            Phase("sender back");
            for (var node = 0; node < Nodes; node++)
            {
                await using var client = await KvClient.ConnectAsync(hosts[node].Endpoint, ClientOptions);
                await VerifyAsync(client, ledger, $"node {node}");
            }

            Phase("verified");
            await cluster.RestartAllAndVerifyAsync(ledger, history);
            Phase("restarted and verified");
            var verdict = LinearizabilityChecker.Check(history.Operations(), new KvModel(), TimeSpan.FromMinutes(2));
            output.WriteLine($"{history.Count} operations on shared keys, {history.Indeterminate()} indeterminate: {verdict.Verdict}");
            Phase("checked");
            output.WriteLine(string.Join("; ", phases));
            Assert.True(verdict.IsLinearizable, verdict.ToString());
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }

    // Setting the same value again, or deleting a key again, is harmless: a write whose outcome is unknown is sent again.
    private static async Task UntilAcknowledgedAsync(Func<Task> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (KvUnavailableException) when (attempt < 5)
            {
            }
        }
    }

    // How many chunked transfers to the receiver each node has begun so far.
    private static int[] SendingTo(RaftTestCluster cluster, IReadOnlySet<(int, long)> receiverIds) =>
        cluster.Hosts.Select(h => SendingLines(h?.Output ?? "", receiverIds).Count()).ToArray();

    // Waits for a node to begin a new chunked transfer to the receiver; returns its partition and the sending node.
    private static async Task<(int Partition, int Node)> NextSendingAsync(RaftTestCluster cluster, IReadOnlySet<(int, long)> receiverIds, int[] before)
    {
        (int, int)? found = null;
        await Eventually.TrueAsync(() =>
        {
            for (var node = 0; node < cluster.Hosts.Length && found is null; node++)
            {
                if (node == Receiver) continue;
                var lines = SendingLines(cluster.Hosts[node].Output, receiverIds).ToArray();
                if (lines.Length > before[node]) found = (lines[before[node]], node);
            }

            return found is not null;
        }, TimeSpan.FromSeconds(60));
        return found!.Value;
    }

    private static IEnumerable<int> SendingLines(string output, IReadOnlySet<(int, long)> receiverIds) =>
        SendingLine().Matches(output).Select(m => (Partition: int.Parse(m.Groups["partition"].Value), Replica: long.Parse(m.Groups["replica"].Value)))
            .Where(m => receiverIds.Contains(m)).Select(m => m.Partition);

    [GeneratedRegex(@"Partition (?<partition>\d+): sending replica (?<replica>\d+) the snapshot at \d+ \(\d+ bytes\) in pieces")]
    private static partial Regex SendingLine();

    [GeneratedRegex(@"Partition (?<partition>\d+): received the snapshot")]
    private static partial Regex ReceivedLine();
}
