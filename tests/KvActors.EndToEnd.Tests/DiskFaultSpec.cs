using System.Diagnostics;
using KvActors.Client;
using KvActors.EndToEnd.Tests.Infrastructure;
using KvActors.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// The real kv-server with its data directory on a small tmpfs: a file system that is read-only, or that fills up
/// under writes. Skipped, saying why, where no tmpfs can be mounted (not root).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DiskFaultSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(15);

    [TmpfsFact]
    public async Task Host_should_refuse_a_data_directory_on_a_read_only_file_system()
    {
        using var disk = Tmpfs.Mount("1m", readOnly: true);
        using var host = HostProcess.Start("--port", "0", "--data-dir", disk.Path);

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var line = Assert.Single(host.Output.Split('\n'), l => l.StartsWith("kv-server:"));
        Assert.Contains($"data directory {disk.Path} is not writable", line);
    }

    [TmpfsFact]
    public async Task Host_should_answer_writes_with_errors_when_the_disk_is_full_and_keep_what_it_acknowledged()
    {
        using var disk = Tmpfs.Mount("2m");
        var acknowledged = new Dictionary<string, (string Value, long Revision)>();
        var value = new string('v', 4000);

        using (var host = await HostProcess.StartServingAsync(disk.Path))
        {
            await using var client = await KvClient.ConnectAsync(host.Endpoint, new KvClientOptions { Timeout = NoHang, LogLevel = "OFF" });

            // Fill the disk: every write is acknowledged until one is refused.
            KvException? refused = null;
            for (var i = 0; refused is null && i < 2000; i++)
            {
                try
                {
                    acknowledged[$"key{i}"] = ($"{i}-{value}", await client.SetAsync($"key{i}", $"{i}-{value}"));
                }
                catch (KvException e)
                {
                    refused = e;
                }
            }

            output.WriteLine($"{acknowledged.Count} writes acknowledged before the disk was full; then: {refused?.GetType().Name}: {refused?.Message}");
            Assert.IsType<KvUnavailableException>(refused);

            // While it stays full, writes keep failing, promptly.
            for (var i = 0; i < 5; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var error = await Assert.ThrowsAnyAsync<KvException>(() => client.SetAsync($"full{i}", value));
                Assert.True(error is KvUnavailableException or KvBusyException, $"{error.GetType().Name}: {error.Message}");
                Assert.True(Stopwatch.GetElapsedTime(started) < NoHang, "a write hung on the full disk");
            }

            // Space comes back: the store, restarted by the front, takes writes again without a server restart.
            disk.Resize("64m");
            await Eventually.AssertAsync(async () => acknowledged["after"] = ("again", await client.SetAsync("after", "again")), TimeSpan.FromSeconds(60));
            host.Kill();
        }

        using var restarted = await HostProcess.StartServingAsync(disk.Path);
        await using var reader = await KvClient.ConnectAsync(restarted.Endpoint, new KvClientOptions { Timeout = TimeSpan.FromSeconds(30), LogLevel = "OFF" });
        foreach (var (key, (expected, revision)) in acknowledged)
        {
            var found = await reader.GetAsync(key);
            Assert.Equal(expected, found.ToUtf8String());
            Assert.Equal(revision, found.Revision);
        }

        // Writes refused as Unavailable have an unknown outcome, but nothing else may appear.
        var stored = await reader.ScanAsync().ReadAllAsync();
        Assert.All(stored, e => Assert.True(acknowledged.ContainsKey(e.Key) || e.Key.StartsWith("full"), $"unexpected key {e.Key}"));
    }
}
