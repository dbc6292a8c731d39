using System.Collections.Concurrent;
using System.Text;
using KvActors.EndToEnd.Tests.Infrastructure;
using KvActors.Protocol;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>The real kv-server process with <c>--journal postgres:...</c>.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PostgresHostSpec
{
    [PostgresFact]
    public async Task Host_on_PostgreSQL_should_keep_every_acknowledged_write_across_kill_minus_9()
    {
        using var database = PostgresDatabase.Create();
        using var data = new TempDirectory("kvactors-e2e");
        var acknowledged = new ConcurrentDictionary<string, (string Value, long Revision)>();
        var acks = 0;

        for (var cycle = 0; cycle < 2; cycle++)
        {
            using var host = await HostProcess.StartServingAsync(data.Path, "--journal", database.Journal, "--snapshot-every", "200");
            Assert.Contains($"journal: PostgreSQL database {database.Name} on 127.0.0.1:", host.Output);
            await using var front = new RemoteFront(host.Endpoint);
            await VerifyAsync(front, acknowledged);

            using var stop = new CancellationTokenSource();
            var before = Volatile.Read(ref acks);
            var writers = Enumerable.Range(0, 16).Select(async w =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"w{w}-k{i % 20}";
                    var value = $"c{cycle}-w{w}-i{i}";
                    try
                    {
                        if (await front.AskAsync(new Set(key, Encoding.UTF8.GetBytes(value)), TimeSpan.FromSeconds(5)) is not Written written) return;
                        acknowledged[key] = (value, written.Revision);
                        Interlocked.Increment(ref acks);
                    }
                    catch (Exception)
                    {
                        return; // the server died under us: this write was never acknowledged
                    }
                }
            }).ToArray();
            // Past a snapshot (every 200 events), then crash mid-flight.
            await Eventually.TrueAsync(() => Volatile.Read(ref acks) >= before + 300 || writers.All(t => t.IsCompleted), TimeSpan.FromSeconds(60));
            host.Kill();
            stop.Cancel();
            await Task.WhenAll(writers);
        }

        using var last = await HostProcess.StartServingAsync(data.Path, "--journal", database.Journal);
        await using var lastFront = new RemoteFront(last.Endpoint);
        await VerifyAsync(lastFront, acknowledged);
        Assert.True(acks >= 600, $"only {acks} writes were acknowledged");
        Assert.True(database.Scalar("SELECT COUNT(*) FROM snapshot") >= 1, "no snapshot was taken");
        // The data directory is not the journal's: a PostgreSQL journal takes no LOCK there.
        Assert.False(File.Exists(Path.Combine(data.Path, "LOCK")));
    }

    [Fact]
    public async Task Host_should_refuse_to_start_when_PostgreSQL_is_unreachable()
    {
        var port = FreePort.Find();
        using var host = HostProcess.Start("--port", "0", "--journal", $"postgres:Host=127.0.0.1;Port={port};Database=kvdb;Username=kv;Password=s3cret");

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"kv-server: cannot use PostgreSQL database kvdb on 127.0.0.1:{port}: ", line);
        Assert.DoesNotContain("s3cret", host.Output);
    }

    [Fact]
    public async Task Host_should_refuse_an_unknown_journal_scheme()
    {
        using var host = HostProcess.Start("--port", "0", "--journal", "mysql:Server=x");

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("kv-server: journal must be sqlite:PATH or postgres:CONNECTION_STRING, got unknown scheme 'mysql'", host.Output.Trim());
    }

    private static async Task VerifyAsync(RemoteFront front, ConcurrentDictionary<string, (string Value, long Revision)> acknowledged)
    {
        foreach (var (key, (value, revision)) in acknowledged)
        {
            var found = Assert.IsType<Found>(await front.AskAsync(new Get(key), TimeSpan.FromSeconds(10)));
            // A later write to the same key may have become durable without its ack arriving before the kill.
            Assert.True(found.Revision >= revision, $"{key}: acknowledged revision {revision}, found {found.Revision}");
            if (found.Revision == revision) Assert.Equal(value, Encoding.UTF8.GetString(found.Value));
        }
    }
}
