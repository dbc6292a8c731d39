using System.Diagnostics;
using System.Text.RegularExpressions;
using KvActors.Client;
using KvActors.Server.Partitioning;
using KvActors.TestSupport.Crash;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// Three real kv-server processes with <c>--replication raft</c>, each on its own data directory, every one of
/// <see cref="Partitions"/> partitions a Raft group of three replicas; nodes can be killed, paused and restarted on
/// their directories and ports. Disposing kills what runs and deletes the directories.
/// </summary>
internal sealed partial class RaftTestCluster : IDisposable
{
    public const int Partitions = 8;
    public const int Nodes = 3;

    public static readonly KvClientOptions ClientOptions = new() { Timeout = TimeSpan.FromSeconds(5), LogLevel = "OFF", MembershipRefresh = TimeSpan.Zero };

    // A key on every partition: a round of writes to them all shows every group takes writes.
    public static readonly string[] ProbeKeys = Enumerable.Range(0, 1000).Select(i => $"probe{i}")
        .GroupBy(new PartitionMap(Partitions).PartitionOf).OrderBy(g => g.Key).Select(g => g.First()).ToArray();

    private readonly TempDirectory[] _directories = Enumerable.Range(0, Nodes).Select(i => new TempDirectory($"kvactors-raft-{i}")).ToArray();
    private readonly int[] _ports = Enumerable.Range(0, Nodes).Select(_ => FreePort.Find()).ToArray();

    private RaftTestCluster() => Hosts = Enumerable.Range(0, Nodes).Select(StartNode).ToArray();

    public HostProcess[] Hosts { get; }

    public static RaftTestCluster Start() => new();

    public Task WaitUntilServingAsync() => Task.WhenAll(Hosts.Select(h => h.WaitUntilServingAsync(TimeSpan.FromSeconds(90))));

    /// <summary>Kills the node if it runs and starts it again on its directory and port.</summary>
    public void Restart(int node)
    {
        Hosts[node].Dispose();
        Hosts[node] = StartNode(node);
    }

    /// <summary>Every node's output, for a failure's message.</summary>
    public string Outputs() => string.Join("\n", Hosts.Select((h, i) => $"--- node {i} ---\n{h.Output}"));

    public void Dispose()
    {
        foreach (var host in Hosts) host.Dispose();
        foreach (var directory in _directories) directory.Dispose();
    }

    /// <summary>The node whose replicas lead the most partitions now, from the leadership lines the nodes log.</summary>
    public int BusiestLeader(out int[] partitions)
    {
        var latest = new Dictionary<int, (long Term, int Node)>();
        for (var node = 0; node < Hosts.Length; node++)
        {
            foreach (Match m in LeadsLine().Matches(Hosts[node].Output))
            {
                var partition = int.Parse(m.Groups["partition"].Value);
                var term = long.Parse(m.Groups["term"].Value);
                if (!latest.TryGetValue(partition, out var seen) || seen.Term < term) latest[partition] = (term, node);
            }
        }

        var busiest = latest.GroupBy(l => l.Value.Node).OrderByDescending(g => g.Count()).First();
        partitions = busiest.Select(l => l.Key).Order().ToArray();
        return busiest.Key;
    }

    /// <summary>Waits until one round of writes to a key on every partition succeeds through the client's node;
    /// returns that round's time.</summary>
    public static async Task<TimeSpan> WritableAsync(KvClient client, TimeSpan within)
    {
        var round = Stopwatch.StartNew();
        await Eventually.AssertAsync(async () =>
        {
            round.Restart();
            foreach (var key in ProbeKeys) await client.SetAsync(key, "x", timeout: TimeSpan.FromSeconds(2));
        }, within, TimeSpan.FromMilliseconds(50));
        return round.Elapsed;
    }

    /// <summary>Every acknowledged write, read back through one node; a scan spans every partition, so it is
    /// retried whole while a group may still be electing.</summary>
    public static async Task VerifyAsync(KvClient client, WriteLedger ledger, string through)
    {
        var stored = new Dictionary<string, (string Value, long Revision)>(StringComparer.Ordinal);
        await Eventually.AssertAsync(async () =>
        {
            stored.Clear();
            await foreach (var entry in client.ScanAsync())
            {
                if (entry.Key.StartsWith('o') || entry.Key.StartsWith("cw", StringComparison.Ordinal))
                    stored[entry.Key] = (System.Text.Encoding.UTF8.GetString(entry.Value), entry.Revision);
            }
        }, TimeSpan.FromSeconds(60));
        var check = ledger.Verify(stored);
        Assert.True(check.Problems.Count == 0, $"through {through}:\n{string.Join("\n", check.Problems)}");
    }

    private HostProcess StartNode(int node) => HostProcess.Start("--port", $"{_ports[node]}", "--data-dir", _directories[node].Path,
        "--partitions", $"{Partitions}", "--seed-nodes", string.Join(",", _ports.Select(p => $"127.0.0.1:{p}")),
        "--replication", "raft", "--log-level", "info");

    [GeneratedRegex(@"Replica \d+ of partition (?<partition>\d+) leads in term (?<term>\d+)")]
    private static partial Regex LeadsLine();
}
