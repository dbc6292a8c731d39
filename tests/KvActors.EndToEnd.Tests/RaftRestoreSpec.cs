using KvActors.Client;
using KvActors.EndToEnd.Tests.Infrastructure;
using KvActors.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static KvActors.EndToEnd.Tests.RaftTestCluster;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// A backup of a Raft cluster restored into a new Raft cluster: <c>kv-server restore FILE --replication raft</c> once
/// per node, with the new cluster's seed list and the node's port, then the three nodes started on their directories.
/// Every key (with its expiry) must be readable through every node, revisions go on from the backed-up ones, and
/// the restored groups take writes and survive the loss of a node.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RaftRestoreSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task Raft_cluster_should_start_from_a_backup_restored_into_each_nodes_directory()
    {
        using var backups = new TempDirectory("kvactors-raft-restore");
        var file = Path.Combine(backups.Path, "all.kvbackup");
        long revision;
        using (var source = RaftTestCluster.Start())
        {
            await source.WaitUntilServingAsync();
            await using var client = await KvClient.ConnectAsync(source.Hosts[0].Endpoint, ClientOptions);
            await WritableAsync(client, TimeSpan.FromSeconds(60));
            for (var i = 0; i < 300; i++) await client.SetAsync($"r{i}", $"v{i}");
            revision = await client.SetWithTtlAsync("expiring", "e", TimeSpan.FromHours(1));
            var header = await client.BackupAsync(file);
            Assert.Equal(300 + 1 + ProbeKeys.Length, header.Keys);
        }

        using var restored = await RaftTestCluster.StartOnAsync(async (node, directory, port, seeds) =>
        {
            var run = await CliProcess.RunServerAsync(["restore", file, "--data-dir", directory, "--replication", "raft", "--seed-nodes", seeds, "--port", $"{port}"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            output.WriteLine(run.StdoutText.Split('\n').Last(l => l.Length > 0));
        });
        try
        {
            await restored.WaitUntilServingAsync();
            foreach (var host in restored.Hosts)
            {
                await using var client = await KvClient.ConnectAsync(host.Endpoint, ClientOptions);
                await Eventually.AssertAsync(async () => Assert.Equal("v299", (await client.GetAsync("r299", timeout: TimeSpan.FromSeconds(2))).ToUtf8String()),
                    TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
                for (var i = 0; i < 300; i++) Assert.Equal($"v{i}", (await client.GetAsync($"r{i}")).ToUtf8String());
                var ttl = await client.GetTtlAsync("expiring");
                Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromHours(1));
            }

            // The restored groups take writes, with revisions after the backed-up ones, and keep them with a node gone.
            await using (var client = await KvClient.ConnectAsync(restored.Hosts[1].Endpoint, ClientOptions))
            {
                await WritableAsync(client, TimeSpan.FromSeconds(60));
                Assert.True(await client.SetAsync("expiring", "e2") > revision); // its partition's revisions go on
                await client.SetAsync("after", "x");
                restored.Hosts[0].Kill();
                await WritableAsync(client, TimeSpan.FromSeconds(60));
                Assert.Equal("v7", (await client.GetAsync("r7")).ToUtf8String());
                Assert.Equal("x", (await client.GetAsync("after")).ToUtf8String());
            }
        }
        catch
        {
            output.WriteLine(restored.Outputs());
            throw;
        }
    }
}
