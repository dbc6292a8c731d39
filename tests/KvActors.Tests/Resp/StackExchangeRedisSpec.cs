using KvActors.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>StackExchange.Redis, a real client library, against the RESP listener and the real store.</summary>
public sealed class StackExchangeRedisSpec(ITestOutputHelper output) : RespServerTestKit(output)
{
    [Fact]
    public async Task StackExchangeRedis_should_connect_and_read_and_write_strings()
    {
        await using var redis = await RedisClient.ConnectAsync(EndPoint);
        var db = redis.GetDatabase();

        Assert.True(await db.StringSetAsync("greeting", "hello"));
        Assert.Equal("hello", (string?)await db.StringGetAsync("greeting"));
        Assert.True((await db.StringGetAsync("missing")).IsNull);
        Assert.True(await db.KeyExistsAsync("greeting"));
        Assert.False(await db.StringSetAsync("greeting", "again", when: When.NotExists));
        Assert.True(await db.StringSetAsync("fresh", "1", when: When.NotExists));
        Assert.Equal(5, await db.StringLengthAsync("greeting"));
        Assert.Equal("ell", (string?)await db.StringGetRangeAsync("greeting", 1, 3));
        Assert.True(await db.KeyDeleteAsync("greeting"));
        Assert.False(await db.KeyDeleteAsync("greeting"));
        Assert.True(await db.PingAsync() < TimeSpan.FromSeconds(5));
        Assert.Equal("hi", (string?)await db.ExecuteAsync("ECHO", "hi"));
    }

    [Fact]
    public async Task StackExchangeRedis_should_pipeline_many_concurrent_commands()
    {
        await using var redis = await RedisClient.ConnectAsync(EndPoint);
        var db = redis.GetDatabase();

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => db.StringSetAsync($"k{i}", $"v{i}")));
        var values = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => db.StringGetAsync($"k{i}")));

        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"v{i}"), values.Select(v => (string?)v));
        var many = await db.StringGetAsync(Enumerable.Range(0, 10).Select(i => (RedisKey)$"k{i}").Append("none").ToArray());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"v{i}").Append("(nil)"), many.Select(v => v.IsNull ? "(nil)" : v.ToString()));
    }

    [Fact]
    public async Task StackExchangeRedis_should_use_the_server_commands()
    {
        await using var redis = await RedisClient.ConnectAsync(EndPoint);
        var db = redis.GetDatabase();
        foreach (var i in Enumerable.Range(0, 25)) await db.StringSetAsync($"item:{i}", i);
        var server = redis.GetServer(EndPoint);

        Assert.Equal(25, await server.DatabaseSizeAsync());
        Assert.Equal(25, server.Keys(pattern: "item:*", pageSize: 10).Count());
        Assert.Equal(11, server.Keys(pattern: "item:1*", pageSize: 3).Count());
        Assert.Contains(await server.InfoAsync("keyspace"), g => g.Any(p => p.Key == "db0" && p.Value.StartsWith("keys=25")));
        Assert.Contains(await server.ConfigGetAsync("save"), p => p.Key == "save");
        Assert.True(Math.Abs((await server.TimeAsync() - DateTime.UtcNow).TotalMinutes) < 1);
        Assert.Equal(new Version(7, 2, 0), server.Version);
        Assert.Equal(ServerType.Standalone, server.ServerType);
    }

    [Fact]
    public async Task StackExchangeRedis_should_work_over_resp3()
    {
        await using var redis = await RedisClient.ConnectAsync(EndPoint, RedisProtocol.Resp3);
        var db = redis.GetDatabase();

        Assert.Equal(RedisProtocol.Resp3, redis.GetServer(EndPoint).Protocol);
        Assert.True(await db.StringSetAsync("k", "v"));
        Assert.Equal("v", (string?)await db.StringGetAsync("k"));
        Assert.True((await db.StringGetAsync("missing")).IsNull);
    }
}
