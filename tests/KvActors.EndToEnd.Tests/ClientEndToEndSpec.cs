using System.Collections.Concurrent;
using System.Diagnostics;
using KvActors.Client;
using KvActors.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// <see cref="KvClient"/> against the real kv-server process: concurrent writes, the server killed with SIGKILL in
/// the middle of them, and a new server on the same data directory that must hold every acknowledged write.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClientEndToEndSpec(ITestOutputHelper output)
{
    private const int Writers = 32;
    private const int WritesPerWriter = 50;
    private const int KeysPerWriter = 10;

    // The kill comes once this many writes are acknowledged, a quarter of the load: well inside it.
    private const int AcknowledgedBeforeKill = Writers * WritesPerWriter / 4;

    // Generous for a loaded two-core machine; calls to a dead server must fail well before it anyway.
    private static readonly KvClientOptions Options = new() { Timeout = TimeSpan.FromSeconds(10) };

    // A call ends within its timeout; the slack covers a loaded machine's scheduling, not a hang.
    private static readonly TimeSpan CallDeadline = Options.Timeout + TimeSpan.FromSeconds(2);

    [Fact]
    public async Task KvClient_should_find_every_acknowledged_write_after_the_server_is_killed_mid_load_and_restarted()
    {
        using var data = new TempDirectory("kvactors-e2e-client");
        var acknowledged = new ConcurrentDictionary<string, (string Value, long Revision)>();
        var failures = new ConcurrentQueue<(Exception Error, TimeSpan Elapsed)>();
        var acks = 0;
        var phase = Stopwatch.StartNew();
        void Phase(string name)
        {
            output.WriteLine($"{phase.Elapsed.TotalSeconds,6:0.00}s {name}");
            phase.Restart();
        }

        using (var host = await HostProcess.StartServingAsync(data.Path))
        {
            Phase("server started");
            await using var client = await KvClient.ConnectAsync(host.Endpoint, Options);
            Phase("client connected");

            var writers = Enumerable.Range(0, Writers)
                .Select(w => Task.Run(() => WriteAsync(client, w, acknowledged, failures, () => Interlocked.Increment(ref acks))))
                .ToArray();
            await Eventually.TrueAsync(() => Volatile.Read(ref acks) >= AcknowledgedBeforeKill || writers.All(t => t.IsCompleted), TimeSpan.FromSeconds(30));
            Phase("load built up");
            host.Kill();
            var acksAtKill = Volatile.Read(ref acks);

            // Every call in flight at the kill ends, within its timeout, as "unavailable": none hangs.
            await Task.WhenAll(writers).WaitAsync(CallDeadline + TimeSpan.FromSeconds(5));
            Phase("writers ended");
            output.WriteLine($"{acksAtKill} writes acknowledged at the kill, {acks} in all, {failures.Count} writers cut off");
            Assert.False(failures.IsEmpty, $"all {acks} writes finished before the kill: the load was not interrupted");
            Assert.All(failures, f =>
            {
                Assert.IsType<KvUnavailableException>(f.Error);
                Assert.True(f.Elapsed < CallDeadline, $"a call in flight at the kill took {f.Elapsed}: {f.Error.Message}");
            });

            // Calls made while the server is dead fail the same way, on the same client, and so does connecting anew.
            await AssertUnavailableAsync(() => client.GetAsync("w00:k0"));
            await AssertUnavailableAsync(() => client.SetAsync("w00:k0", "while dead"));
            await AssertUnavailableAsync(() => client.ExistsAsync("w00:k0"));
            await AssertUnavailableAsync(async () => await (await KvClient.ConnectAsync(host.Endpoint, Options)).DisposeAsync());
            Phase("calls while dead failed");
        }

        // A new server on the same data directory (and another port): a new client sees every acknowledged write.
        using var restarted = await HostProcess.StartServingAsync(data.Path);
        Phase("first client disposed, server restarted");
        await using var again = await KvClient.ConnectAsync(restarted.Endpoint, Options);
        Phase("new client connected");
        var reads = acknowledged.Select(async a => (a.Key, Acknowledged: a.Value, Stored: await again.GetAsync(a.Key)));
        foreach (var (key, (value, revision), stored) in await Task.WhenAll(reads))
        {
            // A later write to the key may have become durable without its acknowledgement arriving before the kill.
            Assert.True(stored.Revision >= revision, $"{key}: acknowledged at revision {revision}, found {stored.Revision}");
            if (stored.Revision == revision) Assert.Equal(value, stored.ToUtf8String());
        }

        var latest = acknowledged.Values.Max(a => a.Revision);
        Assert.True((await again.GetStatsAsync()).Revision >= latest);
        Assert.True(await again.SetAsync("after-restart", "v") > latest, "the revision went backwards after the restart");
        Phase($"{acknowledged.Count} keys checked");
    }

    /// <summary>One writer: its own keys, one write after another, until the first failure.</summary>
    private static async Task WriteAsync(
        KvClient client,
        int writer,
        ConcurrentDictionary<string, (string Value, long Revision)> acknowledged,
        ConcurrentQueue<(Exception, TimeSpan)> failures,
        Action acked)
    {
        for (var i = 0; i < WritesPerWriter; i++)
        {
            var key = $"w{writer:D2}:k{i % KeysPerWriter}";
            var value = $"w{writer:D2}-i{i}";
            var watch = Stopwatch.StartNew();
            try
            {
                var revision = await client.SetAsync(key, value);
                acknowledged[key] = (value, revision);
                acked();
            }
            catch (Exception e)
            {
                // The server died under us: this write's outcome is unknown, and it was never acknowledged.
                failures.Enqueue((e, watch.Elapsed));
                return;
            }
        }
    }

    private static async Task AssertUnavailableAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<KvUnavailableException>(call);
        Assert.True(watch.Elapsed < CallDeadline, $"took {watch.Elapsed}");
    }

}
