using System.Diagnostics;
using System.Net;
using KvActors.Client;
using KvActors.EndToEnd.Tests.Infrastructure;
using KvActors.TestSupport;
using KvActors.TestSupport.Crash;
using KvActors.TestSupport.Linearizability;
using Xunit;
using Xunit.Abstractions;
using static KvActors.EndToEnd.Tests.RaftTestCluster;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// Three real kv-server processes with <c>--replication raft</c>, each on its own data directory, every one of 8
/// partitions a Raft group of three replicas. Writers and history workers run over RESP through every node; the node
/// leading the most partitions is killed with SIGKILL under that load while a continuous writer keeps writing through
/// a survivor. Writes must resume on every partition, every acknowledged write must be readable through both
/// survivors, and again through every node after all three restart from their directories; the history on shared
/// keys must be linearizable.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RaftClusterSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task Raft_cluster_should_keep_every_acknowledged_write_when_the_busiest_leader_is_killed_and_after_a_full_restart()
    {
        Assert.Equal(RaftTestCluster.Partitions, ProbeKeys.Length);
        using var cluster = RaftTestCluster.Start();
        var hosts = cluster.Hosts;
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
            var survivors = Enumerable.Range(0, 3).Where(i => i != victim).ToArray();
            // kv cluster partitions: every replica answers, one leader per partition, the victim's as the log says.
            var before = await PartitionReplicasAsync(hosts[victim].Endpoint);
            Assert.All(before, p => Assert.All(p.Replicas, r => Assert.NotEqual("unreachable", r.Role)));
            Assert.Equal(led, before.Where(p => p.Leader == $"akka.tcp://kv@{hosts[victim].Endpoint}").Select(p => p.Partition).Order());
            using var stop = new CancellationTokenSource();
            var load = new List<Task>();
            // Workers on the victim stop at its death; the survivors' go on, on fresh keys after a failure.
            var connections = await cluster.StartLoadAsync(ledger, history, random, node => node != victim, load, stop.Token);

            // The continuous writer: one SET after another through a survivor, each on a new key (a write of unknown
            // outcome is never followed by another on its key), every success timed and every refusal kept.
            var continuous = await RawRespClient.ConnectAsync(IPEndPoint.Parse(hosts[survivors[0]].RespEndpoint));
            connections.Add(continuous);
            var clock = Stopwatch.StartNew();
            var successes = new List<TimeSpan>();
            var refusals = new List<string>();
            load.Add(Run(async token =>
            {
                for (var n = 0; !token.IsCancellationRequested; n++)
                {
                    var key = $"cw{n}";
                    ledger.Attempt(key, key);
                    string reply;
                    try
                    {
                        reply = await continuous.CallAsync("SET", key, key);
                    }
                    catch (Exception) when (!token.IsCancellationRequested)
                    {
                        return; // The connection itself failed: the rest of the check still holds.
                    }

                    if (reply == "+OK\r\n")
                    {
                        ledger.Acknowledge(key, key, null);
                        lock (successes) successes.Add(clock.Elapsed);
                    }
                    else
                    {
                        lock (refusals) refusals.Add($"{clock.Elapsed.TotalSeconds:F2}s: {reply.TrimEnd()}");
                    }
                }
            }));

            await Eventually.TrueAsync(() => ledger.Acknowledged >= 300 || load.All(t => t.IsCompleted), TimeSpan.FromSeconds(60));
            var ackedBeforeKill = ledger.Acknowledged;
            var killedAt = clock.Elapsed;
            hosts[victim].Kill();
            var failover = await WritableAsync(clients[survivors[0]], TimeSpan.FromSeconds(60));
            var resumed = clock.Elapsed - killedAt;
            // Load keeps running a while through the survivors, so writes after the failover are checked too.
            await Eventually.TrueAsync(() => ledger.Acknowledged >= ackedBeforeKill + 300, TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(load);
            // Through a survivor: the dead node's replicas are unreachable, every partition led by a survivor.
            var after = await PartitionReplicasAsync(hosts[survivors[0]].Endpoint);
            Assert.All(after, p =>
            {
                Assert.Equal("unreachable", Assert.Single(p.Replicas, r => r.Node == $"akka.tcp://kv@{hosts[victim].Endpoint}").Role);
                Assert.NotEqual($"akka.tcp://kv@{hosts[victim].Endpoint}", p.Leader);
            });
            // INFO says the same: each partition led by a survivor, one replica unreachable.
            await using (var info = await RawRespClient.ConnectAsync(IPEndPoint.Parse(hosts[survivors[0]].RespEndpoint)))
            {
                var replication = await info.CallAsync("INFO", "replication");
                Assert.Contains("kv_replication:raft\r\n", replication);
                Assert.Equal(RaftTestCluster.Partitions, System.Text.RegularExpressions.Regex.Matches(replication, @"kv_raft_partition\d+:leader=akka[^,]+,term=\d+,commit=\d+,replicas=3,unreachable=1,").Count);
            }

            // kv stats carries the same replica list.
            var inStats = (await clients[survivors[0]].GetStatsAsync()).Replication;
            Assert.NotNull(inStats);
            Assert.Equal(RaftTestCluster.Partitions * Nodes, inStats.Replicas.Count);
            Assert.Equal(RaftTestCluster.Partitions, inStats.Replicas.Count(r => r.Role == "unreachable"));

            TimeSpan longestGap;
            lock (successes)
                longestGap = successes.Zip(successes.Skip(1), (a, b) => b - a).DefaultIfEmpty(TimeSpan.Zero).Max();
            output.WriteLine($"killed node {victim} (led partitions {string.Join(",", led)}); every partition took writes through node {survivors[0]} " +
                             $"{resumed.TotalSeconds:F1}s after kill -9 (last probe round {failover.TotalSeconds:F2}s); continuous writer: " +
                             $"{successes.Count} writes, longest wait between two {longestGap.TotalSeconds:F2}s, {refusals.Count} refused; " +
                             $"{ledger.Acknowledged} acknowledged writes in all ({ackedBeforeKill} before the kill)");
            foreach (var refusal in refusals) output.WriteLine($"continuous writer, {refusal}");
            // What a client may see of a failover: a write lost with its leader (outcome unknown), or a partition with
            // no leader yet (not applied); never a redirect, and only around the kill.
            Assert.All(refusals, r => Assert.Contains("-ERR store unavailable", r));
            Assert.True(refusals.Count <= 5, $"{refusals.Count} writes refused");
            Assert.Contains(successes, s => s > killedAt + resumed);

            foreach (var survivor in survivors) await VerifyAsync(clients[survivor], ledger, $"survivor {survivor}");
            foreach (var connection in connections) await connection.DisposeAsync();
            foreach (var client in clients) await client.DisposeAsync();

            // All three down at once (kill -9), then up again from their directories.
            await cluster.RestartAllAndVerifyAsync(ledger, history);

            var verdict = LinearizabilityChecker.Check(history.Operations(), new KvModel(), TimeSpan.FromMinutes(2));
            output.WriteLine($"{history.Count} operations on shared keys, {history.Indeterminate()} indeterminate: {verdict.Verdict}");
            Assert.True(verdict.IsLinearizable, verdict.ToString());

            Task Run(Func<CancellationToken, Task> work) => Task.Run(() => work(stop.Token));
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }

    [Fact]
    public async Task Raft_node_should_refuse_bad_replication_options_in_one_line()
    {
        using var data = new TempDirectory("kvactors-raft-options");
        var port = FreePort.Find();
        using var unknown = HostProcess.Start(new Dictionary<string, string> { ["KV_REPLICATION"] = "paxos" },
            "--port", $"{port}", "--data-dir", data.Path, "--seed-nodes", $"127.0.0.1:{port}");
        Assert.Equal(1, await unknown.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("kv-server: replication must be 'raft' or 'shared-journal', got 'paxos'", unknown.Output.Trim());

        using var anyPort = HostProcess.Start("--port", "0", "--data-dir", data.Path, "--seed-nodes", "127.0.0.1:1", "--replication", "raft");
        Assert.Equal(1, await anyPort.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("kv-server: replication raft needs a fixed --port, not 0: the other nodes find this node's replicas at its address",
            anyPort.Output.Trim());

        using var even = HostProcess.Start("--port", $"{port}", "--data-dir", data.Path, "--seed-nodes", $"127.0.0.1:{port}", "--replication", "raft", "--replicas", "2");
        Assert.Equal(1, await even.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("kv-server: replicas must be an odd number, at least 1, got 2", even.Output.Trim());
    }

    private sealed record ReplicaRow(long Id, string Node, string Role, long? Commit, long? Applied, long? Lag);

    private sealed record PartitionRow(int Partition, string? Leader, long? Term, long? Commit, ReplicaRow[] Replicas);

    // `kv --json cluster partitions` through NODE, checked for shape: every partition, three replicas each, a leader
    // whose commit index no replica has applied beyond.
    private static async Task<PartitionRow[]> PartitionReplicasAsync(string node)
    {
        var run = await CliProcess.RunAsync(["--server", node, "--timeout", "10s", "--json", "cluster", "partitions"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, PartitionRow[]>>(run.StdoutText,
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!["partitions"];
        Assert.Equal(Enumerable.Range(0, RaftTestCluster.Partitions), rows.Select(r => r.Partition));
        Assert.All(rows, p =>
        {
            Assert.Equal(Nodes, p.Replicas.Length);
            Assert.NotNull(p.Leader);
            Assert.Equal(p.Leader, Assert.Single(p.Replicas, r => r.Role == "leader").Node);
            Assert.All(p.Replicas.Where(r => r.Applied is not null), r => Assert.True(r.Applied <= p.Commit && r.Lag >= 0, $"{p}: {r}"));
        });
        return rows;
    }
}
