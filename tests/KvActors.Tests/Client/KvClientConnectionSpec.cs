using System.Diagnostics;
using KvActors.Client;
using KvActors.Protocol;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;

namespace KvActors.Tests.Client;

/// <summary>A client facing a server that is not running, goes away, or comes back.</summary>
public sealed class KvClientConnectionSpec
{
    [Fact]
    public async Task KvClient_should_report_a_server_that_is_not_running_as_unavailable_within_the_timeout()
    {
        var port = FreePort.Find();
        var timeout = TimeSpan.FromSeconds(5);
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<KvUnavailableException>(() =>
            KvClient.ConnectAsync($"127.0.0.1:{port}", new KvClientOptions { Timeout = timeout }));

        Assert.True(watch.Elapsed < timeout, $"took {watch.Elapsed}");
        Assert.Equal(ErrorCode.Unavailable, e.Code);
        Assert.StartsWith($"server akka.tcp://kv@127.0.0.1:{port}/user/kv is unreachable (", e.Message);
    }

    [Fact]
    public async Task KvClient_should_report_a_refused_connection_as_such_and_not_as_a_missing_front()
    {
        // A refused connection bounces the Identify off dead letters ("no such actor") in a race with the report
        // of the failure itself; several clients at once make the race likely.
        var port = FreePort.Find();
        var failures = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Assert.ThrowsAsync<KvUnavailableException>(() => KvClient.ConnectAsync($"127.0.0.1:{port}"))));

        // On a loaded machine the refusal may not be reported before the timeout; either way it must read as
        // "unreachable", never as a server without a front.
        Assert.All(failures, e =>
        {
            Assert.Contains("is unreachable (", e.Message);
            Assert.DoesNotContain("has no KvActors front", e.Message);
        });
    }

    [Fact]
    public async Task KvClient_should_fail_fast_while_the_server_is_down_and_reconnect_when_it_is_back()
    {
        using var dataDirectory = new TempDirectory("kvactors-client");
        var port = FreePort.Find();
        var server = await StandaloneServer.StartAsync(port, dataDirectory.Path);
        var timeout = TimeSpan.FromSeconds(5);
        await using var client = await KvClient.ConnectAsync($"127.0.0.1:{port}", new KvClientOptions { Timeout = timeout });
        await client.SetAsync("k", "v");

        await server.DisposeAsync();
        // Once the client has noticed, calls fail at once rather than waiting out their timeout.
        await Eventually.AssertAsync(async () =>
        {
            var watch = Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<KvUnavailableException>(() => client.GetAsync("k"));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
            Assert.Contains($"akka.tcp://kv@127.0.0.1:{port}/user/kv is unreachable", e.Message);
        }, TimeSpan.FromSeconds(15));

        server = await StandaloneServer.StartAsync(port, dataDirectory.Path);
        try
        {
            // Same client, no reconnect call: the next call after remoting's retry gate resolves the new front.
            await Eventually.AssertAsync(
                async () => Assert.Equal("v", (await client.GetAsync("k")).ToUtf8String()),
                TimeSpan.FromSeconds(15));
        }
        finally
        {
            await server.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
