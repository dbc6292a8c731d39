using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using KvActors.Client;
using KvActors.Server.Partitioning;
using KvActors.TestSupport;
using KvActors.TestSupport.Crash;
using KvActors.TestSupport.Linearizability;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// Three real kv-server processes with <c>--replication raft</c>, each on its own data directory, every one of
/// <see cref="Partitions"/> partitions a Raft group of three replicas; nodes can be killed, paused and restarted on
/// their directories and ports. Nodes past the three seeds (<see cref="StartWithSpares"/>) join when started.
/// Disposing kills what runs and deletes the directories.
/// </summary>
internal sealed partial class RaftTestCluster : IDisposable
{
    public const int Partitions = 8;
    public const int Nodes = 3;

    /// <summary>The keys the history workers share, whose history is checked for linearizability.</summary>
    public static readonly string[] SharedKeys = ["k0", "k1", "k2", "k3", "k4", "k5"];

    public static readonly KvClientOptions ClientOptions = new() { Timeout = TimeSpan.FromSeconds(5), LogLevel = "OFF", MembershipRefresh = TimeSpan.Zero };

    // A key on every partition: a round of writes to them all shows every group takes writes.
    public static readonly string[] ProbeKeys = Enumerable.Range(0, 1000).Select(i => $"probe{i}")
        .GroupBy(new PartitionMap(Partitions).PartitionOf).OrderBy(g => g.Key).Select(g => g.First()).ToArray();

    private readonly TempDirectory[] _directories;
    private readonly int[] _ports;
    private readonly string? _config;

    // Group ids for nodes that run apart from the test's own processes (NetworkPartition tells them apart by group).
    private const int FirstGroupId = 47100;

    private readonly bool _inGroups;

    private RaftTestCluster(bool partitionable, bool start = true, int spares = 0, string? hocon = null)
    {
        _directories = Enumerable.Range(0, Nodes + spares).Select(i => new TempDirectory($"kvactors-raft-{i}")).ToArray();
        _ports = Enumerable.Range(0, Nodes + spares).Select(_ => FreePort.Find()).ToArray();
        Hosts = new HostProcess[Nodes + spares];
        if (hocon is not null)
        {
            _config = Path.Combine(_directories[0].Path, "..", $"kvactors-raft-{_ports[0]}.conf");
            File.WriteAllText(_config, File.ReadAllText(Path.Combine(Path.GetDirectoryName(HostProcess.ServerDll)!, "hocon", "kv.conf")) + "\n" + hocon + "\n");
        }

        _inGroups = partitionable;
        if (partitionable) Network = new NetworkPartition(_ports.Select((port, node) => (FirstGroupId + node, port)).ToArray());
        if (start) StartNodes();
    }

    /// <summary>Every node's process; a spare's is null until it is started.</summary>
    public HostProcess[] Hosts { get; }

    /// <summary>The seed list every node starts with: the three founding nodes.</summary>
    public string Seeds => string.Join(",", _ports.Take(Nodes).Select(p => $"127.0.0.1:{p}"));

    /// <summary>The remoting address of a node, as <c>kv cluster</c> names it.</summary>
    public string AddressOf(int node) => $"akka.tcp://kv@127.0.0.1:{_ports[node]}";

    /// <summary>Cuts between the nodes, for a cluster started <see cref="StartPartitionable"/>.</summary>
    public NetworkPartition? Network { get; }

    public static RaftTestCluster Start() => new(partitionable: false);

    /// <summary>Three seeds started, and <paramref name="spares"/> more nodes ready to start (<see cref="StartSpare"/>);
    /// every node runs with <paramref name="hocon"/> on top of the shipped configuration.</summary>
    public static RaftTestCluster StartWithSpares(int spares, string hocon) => new(partitionable: false, spares: spares, hocon: hocon);

    /// <summary>Starts a node past the seeds: it joins the running cluster.</summary>
    public void StartSpare(int node)
    {
        if (node < Nodes || Hosts[node] is not null) throw new InvalidOperationException($"node {node} is not a spare that has not started");
        Hosts[node] = StartNode(node);
    }

    /// <summary>A cluster whose nodes can be cut apart by a real network partition (iptables; needs root).</summary>
    public static RaftTestCluster StartPartitionable() => new(partitionable: true);

    /// <summary>A cluster whose nodes start on directories filled first by <paramref name="prepare"/> (given the node,
    /// its directory, its port and the seed list), e.g. restored from a backup.</summary>
    public static async Task<RaftTestCluster> StartOnAsync(Func<int, string, int, string, Task> prepare)
    {
        var cluster = new RaftTestCluster(partitionable: false, start: false);
        try
        {
            for (var node = 0; node < Nodes; node++) await prepare(node, cluster._directories[node].Path, cluster._ports[node], cluster.Seeds);
            cluster.StartNodes();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private void StartNodes()
    {
        for (var node = 0; node < Nodes; node++) Hosts[node] = StartNode(node);
    }

    public Task WaitUntilServingAsync() => Task.WhenAll(Hosts.OfType<HostProcess>().Select(h => h.WaitUntilServingAsync(TimeSpan.FromSeconds(90))));

    /// <summary>Kills the node if it runs and starts it again on its directory and port.</summary>
    public void Restart(int node)
    {
        Hosts[node].Dispose();
        Hosts[node] = StartNode(node);
    }

    /// <summary>Empties the data directory of a node that is down: a lost disk, or a new machine at its address.</summary>
    public void Wipe(int node)
    {
        if (!Hosts[node].HasExited) throw new InvalidOperationException($"node {node} is running");
        foreach (var entry in Directory.EnumerateFileSystemEntries(_directories[node].Path))
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    /// <summary>Every node's output, for a failure's message.</summary>
    public string Outputs() => string.Join("\n", Hosts.Select((h, i) => $"--- node {i} ---\n{h?.Output}"));

    public void Dispose()
    {
        foreach (var host in Hosts) host?.Dispose();
        Network?.Dispose();
        foreach (var directory in _directories) directory.Dispose();
        if (_config is not null) File.Delete(_config);
    }

    /// <summary>
    /// Load over RESP through every node: a ledger writer and a history worker on shared keys each, on their own
    /// connections (returned, for disposal). <paramref name="goOn"/> says whose workers go on after a failure.
    /// </summary>
    public async Task<List<RawRespClient>> StartLoadAsync(WriteLedger ledger, KvHistory history, Random random, Func<int, bool> goOn,
        List<Task> load, CancellationToken stop)
    {
        var connections = new List<RawRespClient>();
        for (var node = 0; node < Nodes; node++)
        {
            var resp = await RawRespClient.ConnectAsync(IPEndPoint.Parse(Hosts[node].RespEndpoint));
            var respHistory = await RawRespClient.ConnectAsync(IPEndPoint.Parse(Hosts[node].RespEndpoint));
            connections.AddRange([resp, respHistory]);
            var writer = new LedgerWriter(node, "raft", new RespHistoryClient(resp), ledger, random.Next(), goOn(node));
            var worker = new HistoryWorker(node, new RespHistoryClient(respHistory), history, SharedKeys, random.Next(), goOn(node));
            load.Add(Task.Run(() => writer.RunAsync(stop)));
            load.Add(Task.Run(() => worker.RunAsync(stop)));
        }

        return connections;
    }

    /// <summary>All nodes down at once (kill -9), up again from their directories; then every acknowledged write
    /// must be readable through each of them.</summary>
    public async Task RestartAllAndVerifyAsync(WriteLedger ledger, KvHistory history)
    {
        foreach (var host in Hosts.OfType<HostProcess>()) host.Kill();
        history.ServerDied();
        for (var node = 0; node < Nodes; node++) Restart(node);
        await WaitUntilServingAsync();
        for (var node = 0; node < Nodes; node++)
        {
            await using var client = await KvClient.ConnectAsync(Hosts[node].Endpoint, ClientOptions);
            await VerifyAsync(client, ledger, $"node {node} after the restart");
        }
    }

    /// <summary>The node whose replicas lead the most partitions now, from the leadership lines the nodes log.</summary>
    public int BusiestLeader(out int[] partitions)
    {
        var latest = new Dictionary<int, (long Term, int Node)>();
        for (var node = 0; node < Hosts.Length; node++)
        {
            foreach (Match m in LeadsLine().Matches(Hosts[node]?.Output ?? ""))
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

    /// <summary>Waits until every node sees all <see cref="Nodes"/> members up and reachable: the cluster an operator
    /// checks for (<c>kv cluster members</c>) before taking the next node of a rolling restart down. Raft serves before
    /// that, but a seed restarted before the membership first formed founds a membership of its own.</summary>
    public async Task MembershipFormedAsync(TimeSpan within)
    {
        foreach (var host in Hosts.Take(Nodes))
        {
            await using var client = await KvClient.ConnectAsync(host.Endpoint, ClientOptions);
            await Eventually.AssertAsync(async () =>
            {
                var members = await client.GetClusterMembersAsync();
                Assert.Equal(Nodes, members.Members.Count(m => m.Status == "Up" && m.Reachable));
            }, within, TimeSpan.FromMilliseconds(100));
        }
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

    private HostProcess StartNode(int node)
    {
        string[] args = ["--port", $"{_ports[node]}", "--data-dir", _directories[node].Path, "--partitions", $"{Partitions}",
            "--seed-nodes", Seeds, "--replication", "raft", "--log-level", "info", .. _config is null ? Array.Empty<string>() : ["--config", _config]];
        return _inGroups ? HostProcess.StartInGroup(FirstGroupId + node, args) : HostProcess.Start(args);
    }

    [GeneratedRegex(@"Replica \d+ of partition (?<partition>\d+) leads in term (?<term>\d+)")]
    private static partial Regex LeadsLine();
}
