using System.Diagnostics;
using System.Net;
using KvActors.Client;
using KvActors.Protocol;
using KvActors.TestSupport.Crash;
using KvActors.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static KvActors.EndToEnd.Tests.RaftTestCluster;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// A rolling restart of a three-node Raft cluster under load: each node in turn is stopped gracefully (SIGTERM: it
/// hands its leaderships to followers first) and started again on its directory, while a writer per node keeps
/// writing, moving to the next node when its own goes away. Clients may see a connection drop with their node
/// (the write in flight is of unknown outcome) and errors that say a write's outcome is unknown, never a write
/// refused as not applied; every acknowledged write must be readable through every node at the end, and stats and a
/// backup must cover every partition.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RaftRollingRestartSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task Raft_cluster_should_keep_taking_writes_through_a_rolling_restart_of_every_node()
    {
        using var cluster = RaftTestCluster.Start();
        var hosts = cluster.Hosts;
        var ledger = new WriteLedger();
        try
        {
            await cluster.WaitUntilServingAsync();
            foreach (var host in hosts)
            {
                await using var client = await KvClient.ConnectAsync(host.Endpoint, ClientOptions);
                await WritableAsync(client, TimeSpan.FromSeconds(60));
            }

            using var stop = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var refusals = new List<string>();
            var gaps = new TimeSpan[Nodes];
            var drops = 0;
            var writers = Enumerable.Range(0, Nodes).Select(first => Task.Run(() => WriteAsync(first, stop.Token))).ToArray();

            for (var node = 0; node < Nodes; node++)
            {
                var before = ledger.Acknowledged;
                await Eventually.TrueAsync(() => ledger.Acknowledged >= before + 200, TimeSpan.FromSeconds(60));
                await cluster.MembershipFormedAsync(TimeSpan.FromSeconds(60));
                hosts[node].Terminate();
                Assert.Equal(0, await hosts[node].WaitForExitAsync(TimeSpan.FromSeconds(30)));
                Assert.Contains("Handed every leadership on this node to other replicas", hosts[node].Output);
                cluster.Restart(node);
                await hosts[node].WaitUntilServingAsync(TimeSpan.FromSeconds(90));
                await using var client = await KvClient.ConnectAsync(hosts[node].Endpoint, ClientOptions);
                await WritableAsync(client, TimeSpan.FromSeconds(60));
            }

            var afterAll = ledger.Acknowledged;
            await Eventually.TrueAsync(() => ledger.Acknowledged >= afterAll + 200, TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(writers);

            output.WriteLine($"{ledger.Acknowledged} writes acknowledged through a rolling restart of {Nodes} nodes in {clock.Elapsed.TotalSeconds:F0}s; " +
                             $"{drops} connections dropped with their node; {refusals.Count} errors; longest wait between two acknowledged writes " +
                             $"per writer: {string.Join(", ", gaps.Select(g => $"{g.TotalSeconds:F2}s"))}");
            foreach (var refusal in refusals) output.WriteLine(refusal);
            Assert.All(refusals, r => Assert.Contains(KvErrors.IfAWriteOutcomeUnknown, r));

            for (var node = 0; node < Nodes; node++)
            {
                await using var client = await KvClient.ConnectAsync(hosts[node].Endpoint, ClientOptions);
                await VerifyAsync(client, ledger, $"node {node}");
            }

            // Stats and backups span every partition's leader, wherever it is.
            await using (var client = await KvClient.ConnectAsync(hosts[0].Endpoint, ClientOptions))
            {
                var stats = await client.GetStatsAsync();
                Assert.Equal(Partitions, stats.Partitions);
                Assert.InRange(stats.Keys, ledger.Acknowledged, long.MaxValue);
                using var backups = new TempDirectory("kvactors-raft-backup");
                var header = await client.BackupAsync(Path.Combine(backups.Path, "all.kvbackup"));
                Assert.Equal(stats.Keys, header.Keys);
                Assert.Equal(Partitions, header.Partitions.Count);
            }

            // One SET after another on new keys; when its node goes away, the writer moves on to the next node.
            async Task WriteAsync(int first, CancellationToken token)
            {
                var node = first;
                RawRespClient? connection = null;
                var last = clock.Elapsed;
                for (var n = 0; !token.IsCancellationRequested; n++)
                {
                    var key = $"cw{first}-{n}";
                    ledger.Attempt(key, key);
                    string reply;
                    try
                    {
                        connection ??= await RawRespClient.ConnectAsync(IPEndPoint.Parse(hosts[node].RespEndpoint));
                        reply = await connection.CallAsync("SET", key, key);
                    }
                    catch (Exception) when (!token.IsCancellationRequested)
                    {
                        if (connection is not null) await connection.DisposeAsync();
                        connection = null;
                        node = (node + 1) % Nodes;
                        Interlocked.Increment(ref drops);
                        continue;
                    }
                    catch (Exception)
                    {
                        break;
                    }

                    if (reply == "+OK\r\n")
                    {
                        ledger.Acknowledge(key, key, null);
                        var now = clock.Elapsed;
                        if (now - last > gaps[first]) gaps[first] = now - last;
                        last = now;
                    }
                    else
                    {
                        lock (refusals) refusals.Add($"writer {first} through node {node}, {clock.Elapsed.TotalSeconds:F2}s: {reply.TrimEnd()}");
                    }
                }

                if (connection is not null) await connection.DisposeAsync();
            }
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }
}
