using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KvActors.Client;
using KvActors.EndToEnd.Tests.Infrastructure;
using KvActors.Protocol;
using KvActors.Protocol.Backup;
using KvActors.Server.Partitioning;
using KvActors.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// The real <c>kv backup</c> against real kv-server processes under a continuous write load, then the real
/// <c>kv-server restore</c> into a fresh directory and a server started on it: every key acknowledged before the
/// backup began is there, with that value or one written later (before the backup ended); TTLs keep their absolute
/// expiry; revisions go on from the backed-up ones; and the restored data survives a kill -9 and restart.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BackupHostSpec(ITestOutputHelper output)
{
    private const int Partitions = 4;
    private const int Writers = 4;
    private const int KeysPerWriter = 16;

    private static readonly KvClientOptions ClientOptions = new() { Timeout = TimeSpan.FromSeconds(20), LogLevel = "OFF" };

    [Fact]
    public async Task Backup_should_restore_every_write_acknowledged_before_it_began_while_writes_go_on()
    {
        using var data = new TempDirectory("kvactors-backup-source");
        using var target = new TempDirectory("kvactors-backup-target");
        using var host = await HostProcess.StartServingAsync(data.Path, "--partitions", $"{Partitions}", "--snapshot-every", "200");
        await BackupRestoreAndCheckAsync([host], target.Path);
    }

    [Fact]
    public async Task Backup_should_read_every_partition_of_a_two_node_cluster_through_one_node()
    {
        using var journal = new TempDirectory("kvactors-backup-cluster");
        using var target = new TempDirectory("kvactors-backup-target");
        var ports = Enumerable.Range(0, 2).Select(_ => FreePort.Find()).ToArray();
        var seeds = string.Join(",", ports.Select(p => $"127.0.0.1:{p}"));
        using var first = HostProcess.Start("--port", Text(ports[0]), "--journal", $"sqlite:{journal.Path}", "--partitions", $"{Partitions}", "--seed-nodes", seeds);
        using var second = HostProcess.Start("--port", Text(ports[1]), "--journal", $"sqlite:{journal.Path}", "--partitions", $"{Partitions}", "--seed-nodes", seeds);
        await Task.WhenAll(first.WaitUntilServingAsync(TimeSpan.FromSeconds(90)), second.WaitUntilServingAsync(TimeSpan.FromSeconds(90)));
        // Both nodes host partitions before the backup starts, so some pages come from the node kv does not talk to.
        await using (var probe = await KvClient.ConnectAsync(first.Endpoint, ClientOptions))
        {
            await Eventually.AssertAsync(async () =>
            {
                var members = await probe.GetClusterMembersAsync();
                Assert.Equal(2, members.Members.Count(m => m.Status == "Up" && m.Partitions.Count > 0));
                Assert.Equal(Partitions, members.Members.Sum(m => m.Partitions.Count));
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        }

        await BackupRestoreAndCheckAsync([first, second], target.Path);
    }

    [Fact]
    public async Task Restore_should_refuse_a_data_directory_that_is_not_empty()
    {
        using var files = new TempDirectory("kvactors-backup-refusals");
        var backup = WriteSmallBackup(Path.Combine(files.Path, "small.bak"));
        var occupied = Directory.CreateDirectory(Path.Combine(files.Path, "occupied")).FullName;
        File.WriteAllText(Path.Combine(occupied, "notes.txt"), "keep me");

        var run = await CliProcess.RunServerAsync(["restore", backup, "--data-dir", occupied]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"kv-server: data directory {occupied} is not empty; restore builds a new one: give an empty or missing directory", Assert.Single(run.StderrLines));
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(occupied).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Restore_should_refuse_a_damaged_or_truncated_backup_with_one_line_and_create_nothing()
    {
        using var files = new TempDirectory("kvactors-backup-refusals");
        var backup = WriteSmallBackup(Path.Combine(files.Path, "small.bak"));
        var bytes = File.ReadAllBytes(backup);
        var flipped = Path.Combine(files.Path, "flipped.bak");
        var damaged = (byte[])bytes.Clone();
        damaged[^5] ^= 0x01; // inside the last partition's entries
        File.WriteAllBytes(flipped, damaged);
        var truncated = Path.Combine(files.Path, "truncated.bak");
        File.WriteAllBytes(truncated, bytes[..^3]);

        var target = Path.Combine(files.Path, "restored");
        var (flippedRun, truncatedRun) = await (
            CliProcess.RunServerAsync(["restore", flipped, "--data-dir", target]),
            CliProcess.RunServerAsync(["restore", truncated, "--data-dir", target + "2"]));

        Assert.Equal(1, flippedRun.ExitCode);
        Assert.Equal($"kv-server: {flipped} is damaged: partition 1 does not match its checksum; it cannot be restored", Assert.Single(flippedRun.StderrLines));
        Assert.Equal(1, truncatedRun.ExitCode);
        Assert.StartsWith($"kv-server: {truncated} is damaged: it is {bytes.Length - 3} bytes, its header says {bytes.Length} (truncated)", Assert.Single(truncatedRun.StderrLines));
        Assert.False(Directory.Exists(target));
        Assert.False(Directory.Exists(target + "2"));
    }

    private async Task BackupRestoreAndCheckAsync(IReadOnlyList<HostProcess> hosts, string targetParent)
    {
        var file = Path.Combine(targetParent, "kv.bak");
        var restored = Path.Combine(targetParent, "restored");
        var writes = new AckedWrites();
        using var stop = new CancellationTokenSource();
        var clients = new List<KvClient>();
        long backupStarted, backupEnded;
        string backupJson;
        try
        {
            foreach (var host in hosts) clients.Add(await KvClient.ConnectAsync(host.Endpoint, ClientOptions));
            // Expiry is stored as an absolute time: one key that will have expired when the restored server reads
            // it, one that will still have most of its hour left.
            await clients[0].SetWithTtlAsync("ttl-short", "soon gone", TimeSpan.FromSeconds(2));
            await clients[0].SetWithTtlAsync("ttl-long", "stays", TimeSpan.FromHours(1));
            var writers = Enumerable.Range(0, Writers)
                .Select(w => Task.Run(() => writes.RunAsync(clients[w % clients.Count], w, KeysPerWriter, stop.Token)))
                .ToArray();
            // Every writer's every key acknowledged at least once before the backup begins: in a cluster one writer's
            // node may still be placing partitions while the others have written hundreds (seen at load ~40).
            await Eventually.TrueAsync(() => writes.Acknowledged >= 300 && writes.Keys.Count() == Writers * KeysPerWriter &&
                                              writes.Keys.All(k => writes.LastAcknowledgedBefore(k, Stopwatch.GetTimestamp()) is not null),
                TimeSpan.FromSeconds(60));

            backupStarted = Stopwatch.GetTimestamp();
            var run = await CliProcess.RunAsync(["--server", hosts[^1].Endpoint, "--timeout", "20s", "--json", "backup", file]);
            backupEnded = Stopwatch.GetTimestamp();
            Assert.True(run.ExitCode == 0, run.ToString());
            backupJson = run.StdoutText;
            var duringBackup = writes.AcknowledgedBetween(backupStarted, backupEnded);
            Assert.True(duringBackup > 0, "no write was acknowledged while the backup ran");

            await stop.CancelAsync();
            await Task.WhenAll(writers);
            output.WriteLine($"{writes.Acknowledged} writes acknowledged, {duringBackup} of them while kv backup ran; {backupJson.Trim()}");
        }
        catch
        {
            for (var i = 0; i < hosts.Count; i++) output.WriteLine($"--- node {i} ---\n{hosts[i].Output}");
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var client in clients) await client.DisposeAsync();
            foreach (var host in hosts) host.Kill();
        }

        using var json = JsonDocument.Parse(backupJson);
        var revisions = json.RootElement.GetProperty("partitions").EnumerateArray().Select(p => p.GetProperty("revision").GetInt64()).ToArray();
        Assert.Equal(Partitions, revisions.Length);
        using (var reader = BackupFileReader.Open(file)) Assert.Equal(revisions, reader.Header.Partitions.Select(p => p.Revision));

        var restore = await CliProcess.RunServerAsync(["restore", file, "--data-dir", restored]);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains($"start it with: kv-server --data-dir {restored} --partitions {Partitions}", restore.StdoutText);

        var map = new PartitionMap(Partitions);
        string freshKey;
        long freshRevision;
        using (var server = await HostProcess.StartServingAsync(restored, "--partitions", $"{Partitions}"))
        await using (var client = await KvClient.ConnectAsync(server.Endpoint, ClientOptions))
        {
            var checkedKeys = 0;
            var newer = 0;
            foreach (var key in writes.Keys)
            {
                var value = await client.TryGetAsync(key);
                var acknowledged = writes.LastAcknowledgedBefore(key, backupStarted);
                var sent = writes.LastSentBefore(key, backupEnded);
                var found = value is null ? (long?)null : long.Parse(Encoding.UTF8.GetString(value.Value), CultureInfo.InvariantCulture);
                if (acknowledged is { } before)
                {
                    Assert.True(found >= before, $"{key}: {found?.ToString(CultureInfo.InvariantCulture) ?? "missing"} after the restore, but {before} was acknowledged before the backup began");
                    checkedKeys++;
                    if (found > before) newer++;
                }

                if (found is { } f) Assert.True(f <= sent, $"{key}: {f} after the restore was not sent before the backup ended (last sent: {sent})");
                if (value is not null) Assert.True(value.Revision <= revisions[map.PartitionOf(key)], $"{key} at revision {value.Revision}, past its partition's backed-up revision");
            }

            Assert.Equal(Writers * KeysPerWriter, checkedKeys);
            output.WriteLine($"{checkedKeys} keys checked, {newer} restored with a value written while the backup ran");

            Assert.Null(await client.TryGetAsync("ttl-short"));
            var ttl = await client.GetTtlAsync("ttl-long");
            Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromHours(1));

            // Revisions go on from the backed-up ones (a partition without keys that expire, so no sweep moved it).
            var expiringPartitions = new[] { map.PartitionOf("ttl-short"), map.PartitionOf("ttl-long") };
            freshKey = Enumerable.Range(0, 1000).Select(i => $"fresh-{i}").First(k => !expiringPartitions.Contains(map.PartitionOf(k)));
            freshRevision = await client.SetAsync(freshKey, "after the restore");
            Assert.Equal(revisions[map.PartitionOf(freshKey)] + 1, freshRevision);
            server.Kill();
        }

        // The journal goes on after the restored snapshot: a crash and restart keeps both.
        using (var again = await HostProcess.StartServingAsync(restored, "--partitions", $"{Partitions}"))
        await using (var client = await KvClient.ConnectAsync(again.Endpoint, ClientOptions))
        {
            var fresh = await client.GetAsync(freshKey);
            Assert.Equal(("after the restore", freshRevision), (fresh.ToUtf8String(), fresh.Revision));
            // The writers' keys, ttl-long and the fresh key; ttl-short is swept (expired keys count until then).
            await Eventually.AssertAsync(async () => Assert.Equal(Writers * KeysPerWriter + 2, (await client.GetStatsAsync()).Keys), TimeSpan.FromSeconds(10));
        }
    }

    private static string WriteSmallBackup(string path)
    {
        using var writer = new BackupFileWriter(path, 2, DateTimeOffset.UtcNow);
        writer.BeginPartition(0, 2);
        writer.Write(new KvEntry("a", "1"u8.ToArray(), 1));
        writer.Write(new KvEntry("b", "2"u8.ToArray(), 2));
        writer.EndPartition();
        writer.BeginPartition(1, 1);
        writer.Write(new KvEntry("c", "3"u8.ToArray(), 1));
        writer.EndPartition();
        writer.Complete();
        return path;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
