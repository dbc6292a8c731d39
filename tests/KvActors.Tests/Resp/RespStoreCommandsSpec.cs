using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>
/// Redis commands served by the store's richer requests (expiry, increment, append, set-range, set-expiry, rename,
/// clear, batch, random key, returning previous values), end to end over RESP against a real store.
/// </summary>
public sealed class RespStoreCommandsSpec(ITestOutputHelper output) : RespServerTestKit(output)
{
    [Fact]
    public async Task Counters_should_count_in_the_store()
    {
        await using var client = await ConnectAsync();

        Assert.Equal(":1\r\n", await client.CallAsync("INCR", "n"));
        Assert.Equal(":11\r\n", await client.CallAsync("INCRBY", "n", "10"));
        Assert.Equal(":10\r\n", await client.CallAsync("DECR", "n"));
        Assert.Equal(":-90\r\n", await client.CallAsync("DECRBY", "n", "100"));
        Assert.Equal("$3\r\n-90\r\n", await client.CallAsync("GET", "n"));
        Assert.Equal("$5\r\n-89.5\r\n", await client.CallAsync("INCRBYFLOAT", "n", "0.5"));
        Assert.Equal("$3\r\n-80\r\n", await client.CallAsync("INCRBYFLOAT", "n", "9.5"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "text", "abc"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await client.CallAsync("INCR", "text"));
        Assert.Equal("-ERR value is not a valid float\r\n", await client.CallAsync("INCRBYFLOAT", "text", "1"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "max", "9223372036854775807"));
        Assert.Equal("-ERR increment or decrement would overflow\r\n", await client.CallAsync("INCR", "max"));
    }

    [Fact]
    public async Task Append_and_setrange_should_edit_values_in_the_store()
    {
        await using var client = await ConnectAsync();

        Assert.Equal(":5\r\n", await client.CallAsync("APPEND", "k", "Hello"));
        Assert.Equal(":11\r\n", await client.CallAsync("APPEND", "k", " World"));
        Assert.Equal(":11\r\n", await client.CallAsync("SETRANGE", "k", "6", "Redis"));
        Assert.Equal("$11\r\nHello Redis\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal(":8\r\n", await client.CallAsync("SETRANGE", "padded", "5", "abc"));
        Assert.Equal("$8\r\n\0\0\0\0\0abc\r\n", await client.CallAsync("GET", "padded"));
        Assert.Equal(":0\r\n", await client.CallAsync("SETRANGE", "empty", "3", ""));
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "empty"));
    }

    [Fact]
    public async Task Expiry_should_be_set_read_and_removed()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "v", "EX", "100"));
        await AssertTtlAsync(client, "k", 100);
        Assert.InRange(long.Parse((await client.CallAsync("PTTL", "k"))[1..^2]), 90_000, 100_000);
        Assert.Equal(":0\r\n", await client.CallAsync("EXPIRE", "k", "50", "NX"));
        Assert.Equal(":1\r\n", await client.CallAsync("EXPIRE", "k", "50", "XX"));
        Assert.Equal(":0\r\n", await client.CallAsync("EXPIRE", "k", "500", "LT"));
        Assert.Equal(":1\r\n", await client.CallAsync("EXPIRE", "k", "500", "GT"));
        await AssertTtlAsync(client, "k", 500);
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "v2", "KEEPTTL"));
        await AssertTtlAsync(client, "k", 500);
        Assert.Equal(":1\r\n", await client.CallAsync("PERSIST", "k"));
        Assert.Equal(":0\r\n", await client.CallAsync("PERSIST", "k"));
        Assert.Equal(":-1\r\n", await client.CallAsync("TTL", "k"));
        Assert.Equal(":1\r\n", await client.CallAsync("EXPIREAT", "k", "4102444800"));
        Assert.Equal(":4102444800\r\n", await client.CallAsync("EXPIRETIME", "k"));
        Assert.Equal(":4102444800000\r\n", await client.CallAsync("PEXPIRETIME", "k"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "v3"));
        Assert.Equal(":-1\r\n", await client.CallAsync("TTL", "k"));
        Assert.Equal(":0\r\n", await client.CallAsync("EXPIRE", "missing", "10"));
    }

    [Fact]
    public async Task Expired_keys_should_be_gone()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "short", "v", "PX", "100"));
        Assert.Equal("+OK\r\n", await client.CallAsync("PSETEX", "shorter", "50", "v"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "now", "v"));
        Assert.Equal(":1\r\n", await client.CallAsync("EXPIRE", "now", "-1"));
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "now"));
        await Eventually.AssertAsync(
            async () => Assert.Equal("$-1\r\n", await client.CallAsync("GET", "short")), TimeSpan.FromSeconds(10));
        Assert.Equal(":-2\r\n", await client.CallAsync("TTL", "shorter"));
        Assert.Equal("*0\r\n", await client.CallAsync("KEYS", "*"));
    }

    [Fact]
    public async Task Get_and_set_variants_should_return_the_previous_value()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("$-1\r\n", await client.CallAsync("SET", "k", "1", "GET"));
        Assert.Equal("$1\r\n1\r\n", await client.CallAsync("SET", "k", "2", "GET"));
        Assert.Equal("$1\r\n2\r\n", await client.CallAsync("GETSET", "k", "3"));
        Assert.Equal("$1\r\n3\r\n", await client.CallAsync("SET", "k", "4", "NX", "GET"));
        Assert.Equal("$-1\r\n", await client.CallAsync("SET", "new", "1", "NX", "GET"));
        Assert.Equal("$1\r\n1\r\n", await client.CallAsync("GET", "new"));
        Assert.Equal("$1\r\n3\r\n", await client.CallAsync("GETEX", "k", "EX", "100"));
        await AssertTtlAsync(client, "k", 100);
        Assert.Equal("$1\r\n3\r\n", await client.CallAsync("GETEX", "k", "PERSIST"));
        Assert.Equal(":-1\r\n", await client.CallAsync("TTL", "k"));
        Assert.Equal("$1\r\n3\r\n", await client.CallAsync("GETDEL", "k"));
        Assert.Equal("$-1\r\n", await client.CallAsync("GETDEL", "k"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SETEX", "ttl", "100", "v"));
        await AssertTtlAsync(client, "ttl", 100);
    }

    [Fact]
    public async Task Multi_key_commands_should_apply_atomically()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("+OK\r\n", await client.CallAsync("MSET", "a", "1", "b", "2", "c", "3"));
        Assert.Equal("*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$-1\r\n", await client.CallAsync("MGET", "a", "b", "c", "d"));
        Assert.Equal(":0\r\n", await client.CallAsync("MSETNX", "c", "x", "d", "4"));
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "d"));
        Assert.Equal(":1\r\n", await client.CallAsync("MSETNX", "d", "4", "e", "5"));
        Assert.Equal(":3\r\n", await client.CallAsync("DEL", "a", "b", "a", "missing", "c"));
        Assert.Equal(":2\r\n", await client.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task Rename_should_move_a_value()
    {
        await using var client = await ConnectAsync();
        await client.CallAsync("SET", "a", "1");
        await client.CallAsync("SET", "b", "2");

        Assert.Equal(":0\r\n", await client.CallAsync("RENAMENX", "a", "b"));
        Assert.Equal("+OK\r\n", await client.CallAsync("RENAME", "a", "c"));
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", "a"));
        Assert.Equal("$1\r\n1\r\n", await client.CallAsync("GET", "c"));
        Assert.Equal(":1\r\n", await client.CallAsync("RENAMENX", "c", "d"));
        Assert.Equal("-ERR no such key\r\n", await client.CallAsync("RENAME", "missing", "x"));
    }

    [Fact]
    public async Task Flushdb_should_remove_everything_and_randomkey_should_pick_a_live_key()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("$-1\r\n", await client.CallAsync("RANDOMKEY"));
        await client.CallAsync("SET", "only", "1");
        Assert.Equal("$4\r\nonly\r\n", await client.CallAsync("RANDOMKEY"));
        await client.CallAsync("SET", "other", "1");
        Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHDB"));
        Assert.Equal(":0\r\n", await client.CallAsync("DBSIZE"));
        await client.CallAsync("SET", "again", "1");
        Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHALL", "ASYNC"));
        Assert.Equal("*0\r\n", await client.CallAsync("KEYS", "*"));
    }

    [Fact]
    public async Task Multi_exec_should_apply_queued_commands_as_one_batch()
    {
        await using var client = await ConnectAsync();
        await client.CallAsync("SET", "text", "abc");

        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("INCR", "a"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("INCR", "text"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("GET", "a"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("DEL", "text"));

        var exec = await client.CallAsync("EXEC");

        Assert.Equal("*5\r\n+OK\r\n:2\r\n-ERR value is not an integer or out of range\r\n$1\r\n2\r\n:1\r\n", exec);
        Assert.Equal("$1\r\n2\r\n", await client.CallAsync("GET", "a"));
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "text"));
    }

    [Fact]
    public async Task StackExchangeRedis_should_use_counters_expiry_and_transactions()
    {
        await using var redis = await RedisClient.ConnectAsync(EndPoint);
        var db = redis.GetDatabase();

        Assert.Equal(5, await db.StringIncrementAsync("n", 5));
        Assert.Equal(2.5, await db.StringIncrementAsync("f", 2.5));
        Assert.True(await db.StringSetAsync("k", "v", TimeSpan.FromSeconds(100)));
        Assert.InRange((await db.KeyTimeToLiveAsync("k"))!.Value.TotalSeconds, 99, 100);
        Assert.True(await db.KeyPersistAsync("k"));
        Assert.Null(await db.KeyTimeToLiveAsync("k"));
        Assert.True(await db.KeyRenameAsync("k", "k2"));
        Assert.Equal(5, await db.StringAppendAsync("k2", "more"));
        Assert.Equal("vmore", (string?)await db.StringGetDeleteAsync("k2"));

        var transaction = db.CreateTransaction();
        var set = transaction.StringSetAsync("t1", "1");
        var incr = transaction.StringIncrementAsync("t1");
        Assert.True(await transaction.ExecuteAsync());
        Assert.True(await set);
        Assert.Equal(2, await incr);
        Assert.Equal(2, await db.KeyDeleteAsync(["t1", "n"]));
    }

    // TTL rounds to the nearest second; a slow machine may already be a second further along.
    private static async Task AssertTtlAsync(RawRespClient client, string key, long seconds)
    {
        var reply = await client.CallAsync("TTL", key);
        Assert.Matches(@"^:\d+\r\n$", reply);
        Assert.InRange(long.Parse(reply[1..^2]), seconds - 1, seconds);
    }
}
