using System.Text;
using Akka.Actor.Dsl;
using KvActors.Client;
using KvActors.Protocol;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Client;

public sealed class KvClientSpec(ITestOutputHelper output) : ClientTestKit(output)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task KvClient_should_round_trip_every_operation_over_remoting()
    {
        StartFront();
        await using var client = await ConnectAsync();

        Assert.Equal(1, await client.SetAsync("a", "1"));
        Assert.Equal(2, await client.CreateAsync("b", [0, 1, 2]));
        Assert.Equal(3, await client.UpdateAsync("a", "one"));
        Assert.Equal(4, await client.UpdateAsync("a", "uno", expectedRevision: 3));

        var a = await client.GetAsync("a");
        Assert.Equal("uno", a.ToUtf8String());
        Assert.Equal(4, a.Revision);
        Assert.Equal(new byte[] { 0, 1, 2 }, (await client.TryGetAsync("b"))?.Value);
        Assert.Null(await client.TryGetAsync("missing"));
        Assert.True(await client.ExistsAsync("a"));
        Assert.False(await client.ExistsAsync("missing"));

        Assert.Equal(5, await client.DeleteAsync("a"));
        Assert.Null(await client.TryDeleteAsync("a"));
        Assert.Equal(6, await client.TryDeleteAsync("b", expectedRevision: 2));
        Assert.Equal(7, await client.SetAsync("c", "x"));

        var entries = await client.ScanAsync().ReadAllAsync();
        Assert.Equal(["c"], entries.Select(e => e.Key));
        Assert.Equal(7, entries[0].Revision);

        var stats = await client.GetStatsAsync();
        Assert.Equal(1, stats.Keys);
        Assert.Equal(7, stats.Revision);
        Assert.Equal(DataDirectory, stats.DataDirectory);
        Assert.True(stats.Uptime > TimeSpan.Zero);
    }

    [Fact]
    public async Task KvClient_should_set_read_change_and_remove_a_ttl_and_count()
    {
        StartFront();
        await using var client = await ConnectAsync();

        await client.SetWithTtlAsync("session", "token", TimeSpan.FromMinutes(10));
        var ttl = await client.GetTtlAsync("session");
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.NotNull((await client.GetAsync("session")).ExpiresAt);

        Assert.True(await client.ExpireAsync("session", TimeSpan.FromHours(1)));
        Assert.InRange((await client.GetTtlAsync("session"))!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.True(await client.PersistAsync("session"));
        Assert.Null(await client.GetTtlAsync("session"));
        Assert.False(await client.PersistAsync("session"));
        await Assert.ThrowsAsync<KvNotFoundException>(() => client.ExpireAsync("missing", TimeSpan.FromSeconds(1)));

        // A key whose TTL has passed is gone, for reads at once and for the store after its sweep.
        await client.SetWithTtlAsync("short", "x", TimeSpan.FromMilliseconds(200));
        await Eventually.AssertAsync(async () => Assert.Null(await client.TryGetAsync("short")), TimeSpan.FromSeconds(10));

        Assert.Equal(5, await client.IncrementAsync("counter", 5));
        Assert.Equal(3, await client.IncrementAsync("counter", -2));
        await Assert.ThrowsAsync<KvNotANumberException>(() => client.IncrementAsync("session"));
    }

    [Fact]
    public async Task KvClient_should_throw_a_typed_exception_for_each_failure_the_server_reports()
    {
        StartFront();
        await using var client = await ConnectAsync();
        await client.SetAsync("k", "v");

        var notFound = await Assert.ThrowsAsync<KvNotFoundException>(() => client.GetAsync("missing"));
        Assert.Equal(ErrorCode.NotFound, notFound.Code);
        Assert.Contains("missing", notFound.Message);
        await Assert.ThrowsAsync<KvNotFoundException>(() => client.UpdateAsync("missing", "v"));
        await Assert.ThrowsAsync<KvNotFoundException>(() => client.DeleteAsync("missing"));

        var exists = await Assert.ThrowsAsync<KvAlreadyExistsException>(() => client.CreateAsync("k", "v"));
        Assert.Equal(ErrorCode.AlreadyExists, exists.Code);

        await Assert.ThrowsAsync<KvRevisionMismatchException>(() => client.UpdateAsync("k", "v", expectedRevision: 7));
        await Assert.ThrowsAsync<KvRevisionMismatchException>(() => client.DeleteAsync("k", expectedRevision: 7));
        await Assert.ThrowsAsync<KvRevisionMismatchException>(() => client.TryDeleteAsync("k", expectedRevision: 7));

        var emptyKey = await Assert.ThrowsAsync<KvInvalidKeyException>(() => client.SetAsync("", "v"));
        Assert.Equal(ErrorCode.InvalidKey, emptyKey.Code);
        await Assert.ThrowsAsync<KvInvalidKeyException>(() => client.GetAsync(new string('k', 4097)));

        var negative = await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.SetAsync("k", "v", expectedRevision: -1));
        Assert.Equal(ErrorCode.InvalidArgument, negative.Code);
        await Assert.ThrowsAsync<KvInvalidArgumentException>(async () => await client.ScanAsync(pageSize: 0).ReadAllAsync());

        // Nothing above changed the store.
        Assert.Equal(1, (await client.GetStatsAsync()).Revision);
    }

    [Fact]
    public async Task KvClient_should_compare_and_set_and_lose_no_concurrent_increment()
    {
        StartFront();
        await using var client = await ConnectAsync();

        var created = await client.CompareAndSetAsync("counter", "0", expectedRevision: 0);
        await Assert.ThrowsAsync<KvRevisionMismatchException>(() => client.CompareAndSetAsync("counter", "x", expectedRevision: 0));
        var updated = await client.CompareAndSetAsync("counter", "1", created);
        await Assert.ThrowsAsync<KvRevisionMismatchException>(() => client.CompareAndSetAsync("counter", "2", created));
        var current = await client.GetAsync("counter");
        Assert.Equal(("1", updated), (current.ToUtf8String(), current.Revision));

        // Optimistic increments: each worker retries until its compare-and-set wins, so none is lost.
        const int workers = 10, incrementsEach = 5;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            for (var i = 0; i < incrementsEach; i++)
            {
                while (true)
                {
                    var seen = await client.GetAsync("counter");
                    var next = (int.Parse(seen.ToUtf8String()) + 1).ToString();
                    try
                    {
                        await client.CompareAndSetAsync("counter", next, seen.Revision);
                        break;
                    }
                    catch (KvRevisionMismatchException)
                    {
                        // Another worker won this round; read again.
                    }
                }
            }
        }));
        Assert.Equal((1 + workers * incrementsEach).ToString(), (await client.GetAsync("counter")).ToUtf8String());
    }

    [Fact]
    public async Task KvClient_should_scan_across_several_pages_by_following_cursors()
    {
        StartFront();
        await using var client = await ConnectAsync();
        var keys = Enumerable.Range(0, 23).Select(i => $"scan/{i:D3}").ToList();
        foreach (var key in Enumerable.Reverse(keys)) await client.SetAsync(key, key);
        await client.SetAsync("scan", "shorter than the prefix");
        await client.SetAsync("scan0", "sorts after the prefix");

        // 23 keys in pages of 5: the client must follow four cursors.
        var scanned = await client.ScanAsync("scan/", pageSize: 5).ReadAllAsync();
        Assert.Equal(keys, scanned.Select(e => e.Key));
        Assert.All(scanned, e => Assert.Equal(e.Key, Encoding.UTF8.GetString(e.Value)));

        Assert.Equal(25, (await client.ScanAsync(pageSize: 4).ReadAllAsync()).Count);
        Assert.Empty(await client.ScanAsync("none/").ReadAllAsync());
    }

    [Fact]
    public async Task KvClient_should_serve_a_thousand_concurrent_calls_from_one_client()
    {
        StartFront();
        await using var client = await ConnectAsync();
        const int calls = 1000;

        var revisions = await Task.WhenAll(Enumerable.Range(0, calls).Select(i => client.SetAsync($"key/{i:D4}", $"value {i}")));
        Assert.Equal(Enumerable.Range(1, calls).Select(r => (long)r), revisions.Order());

        var values = await Task.WhenAll(Enumerable.Range(0, calls).Select(i => client.GetAsync($"key/{i:D4}")));
        Assert.Equal(Enumerable.Range(0, calls).Select(i => $"value {i}"), values.Select(v => v.ToUtf8String()));
        Assert.Equal(calls, (await client.GetStatsAsync()).Keys);
    }

    [Fact]
    public async Task KvClient_should_store_a_value_of_exactly_1_MiB_and_refuse_one_byte_more()
    {
        StartFront();
        var slowMachineTimeout = new KvClientOptions { Timeout = TimeSpan.FromSeconds(30) };
        await using var client = await ConnectAsync(slowMachineTimeout);
        var largest = new byte[MiB];
        Random.Shared.NextBytes(largest);

        var revision = await client.SetAsync("big", largest);
        var stored = await client.GetAsync("big");
        Assert.Equal(largest, stored.Value);
        Assert.Equal(revision, stored.Revision);
        Assert.Equal(largest, Assert.Single(await client.ScanAsync("big").ReadAllAsync()).Value);

        // Refused by the client itself, before sending...
        var local = await Assert.ThrowsAsync<KvValueTooLargeException>(() => client.SetAsync("big", new byte[MiB + 1]));
        Assert.Equal(ErrorCode.ValueTooLarge, local.Code);
        // ...and by the server, for a client configured to send more.
        await using var generous = await ConnectAsync(slowMachineTimeout with { MaxValueBytes = 2 * MiB });
        var remote = await Assert.ThrowsAsync<KvValueTooLargeException>(() => generous.CreateAsync("bigger", new byte[MiB + 1]));
        Assert.Contains($"the limit is {MiB}", remote.Message);

        Assert.Equal(revision, (await client.GetStatsAsync()).Revision);
    }

    [Fact]
    public async Task KvClient_should_time_out_when_the_front_never_answers()
    {
        // A front that accepts requests and never replies; Identify is still answered, so connecting works.
        Sys.ActorOf(dsl => dsl.ReceiveAny((_, _) => { }), "kv");
        await using var client = await ConnectAsync(new KvClientOptions { Timeout = TimeSpan.FromMilliseconds(500) });

        var write = await Assert.ThrowsAsync<KvTimeoutException>(() => client.SetAsync("k", "v"));
        Assert.Equal(ErrorCode.Timeout, write.Code);
        Assert.Equal($"no reply from {FrontPath} within 500ms; a write's outcome is unknown", write.Message);

        var read = await Assert.ThrowsAsync<KvTimeoutException>(() => client.GetAsync("k", timeout: TimeSpan.FromMilliseconds(300)));
        Assert.Equal($"no reply from {FrontPath} within 300ms", read.Message);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("k", timeout: TimeSpan.FromSeconds(30), cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task KvClient_should_notice_a_stopped_front_and_resolve_it_again_once_it_is_back()
    {
        var front = StartFront();
        await using var client = await ConnectAsync(new KvClientOptions { Timeout = TimeSpan.FromSeconds(2) });
        await client.SetAsync("k", "v");

        StopFront(front);
        // DeathWatch tells the client the front is gone; the next call resolves again and finds nothing.
        await AwaitAssertAsync(async () =>
        {
            var gone = await Assert.ThrowsAsync<KvUnavailableException>(() => client.GetAsync("k"));
            Assert.Contains("no KvActors front", gone.Message);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        StartFront();
        Assert.Equal("v", (await client.GetAsync("k")).ToUtf8String());
    }

    [Fact]
    public async Task KvClient_should_refuse_calls_after_it_is_disposed()
    {
        StartFront();
        var client = await ConnectAsync();
        await client.DisposeAsync();
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetAsync("k"));
    }
}
