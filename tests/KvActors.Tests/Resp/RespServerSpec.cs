using System.Text;
using KvActors.Server;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>The RESP listener in front of the real front and store, checked byte for byte on a bare socket.</summary>
public sealed class RespServerSpec(ITestOutputHelper output)
    : RespServerTestKit(output, new ServerSettings { MaxValueBytes = 4096 })
{
    [Fact]
    public async Task RespServer_should_answer_ping_echo_and_inline_commands()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        Assert.Equal("$5\r\nhello\r\n", await client.CallAsync("PING", "hello"));
        Assert.Equal("$11\r\nhello world\r\n", await client.CallAsync("ECHO", "hello world"));
        await client.SendAsync("PING\r\nset inline \"a b\"\r\nGET inline\r\n");
        Assert.Equal("+PONG\r\n", await client.ReadReplyAsync());
        Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
        Assert.Equal("$3\r\na b\r\n", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task RespServer_should_set_get_delete_and_count_keys()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("$-1\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "value"));
        Assert.Equal("$5\r\nvalue\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal(":2\r\n", await client.CallAsync("EXISTS", "k", "k", "missing"));
        Assert.Equal("+string\r\n", await client.CallAsync("TYPE", "k"));
        Assert.Equal("+none\r\n", await client.CallAsync("TYPE", "missing"));
        Assert.Equal(":5\r\n", await client.CallAsync("STRLEN", "k"));
        Assert.Equal("$3\r\nalu\r\n", await client.CallAsync("GETRANGE", "k", "1", "-2"));
        Assert.Equal("*3\r\n$5\r\nvalue\r\n$-1\r\n$5\r\nvalue\r\n", await client.CallAsync("MGET", "k", "missing", "k"));
        Assert.Equal(":-1\r\n", await client.CallAsync("TTL", "k"));
        Assert.Equal(":-2\r\n", await client.CallAsync("PTTL", "missing"));
        Assert.Equal(":1\r\n", await client.CallAsync("DEL", "k"));
        Assert.Equal(":0\r\n", await client.CallAsync("UNLINK", "k"));
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task RespServer_should_serve_reads_after_READONLY_from_the_store_a_single_node_has_and_go_back_with_READWRITE()
    {
        await using var client = await ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "value"));

        Assert.Equal("+OK\r\n", await client.CallAsync("READONLY"));
        // One node has one copy of each partition: a read that may be stale is never stale here.
        Assert.Equal("$5\r\nvalue\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal(":1\r\n", await client.CallAsync("EXISTS", "k", "missing"));
        Assert.Equal("*2\r\n$5\r\nvalue\r\n$-1\r\n", await client.CallAsync("MGET", "k", "missing"));
        Assert.Equal("*1\r\n$1\r\nk\r\n", await client.CallAsync("KEYS", "*"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "later"));
        Assert.Equal("$5\r\nlater\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.StartsWith("-ERR", await client.CallAsync("READONLY"));
        Assert.Equal("+OK\r\n", await client.CallAsync("DISCARD"));

        Assert.Equal("+OK\r\n", await client.CallAsync("READWRITE"));
        Assert.Equal("$5\r\nlater\r\n", await client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task RespServer_should_create_only_with_NX_and_replace_only_with_XX()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("$-1\r\n", await client.CallAsync("SET", "k", "1", "XX"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "1", "NX"));
        Assert.Equal("$-1\r\n", await client.CallAsync("SET", "k", "2", "NX"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "3", "XX"));
        Assert.Equal(":0\r\n", await client.CallAsync("SETNX", "k", "4"));
        Assert.Equal(":1\r\n", await client.CallAsync("SETNX", "other", "4"));
        Assert.Equal("$1\r\n3\r\n", await client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task RespServer_should_answer_pipelined_commands_in_order_from_one_write()
    {
        await using var client = await ConnectAsync();
        var frames = new MemoryStream();
        for (var i = 0; i < 300; i++) frames.Write(RawRespClient.Encode("SET", $"key:{i}", $"value {i}"));
        for (var i = 0; i < 300; i++) frames.Write(RawRespClient.Encode("GET", $"key:{i}"));
        frames.Write("PING\r\n"u8);

        await client.SendAsync(frames.ToArray());

        for (var i = 0; i < 300; i++) Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
        for (var i = 0; i < 300; i++)
        {
            var value = $"value {i}";
            Assert.Equal($"${value.Length}\r\n{value}\r\n", await client.ReadReplyAsync());
        }

        Assert.Equal("+PONG\r\n", await client.ReadReplyAsync());
        Assert.Equal(":300\r\n", await client.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task RespServer_should_let_every_connection_see_its_own_writes_at_once()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ConnectAsync()));
        await Task.WhenAll(clients.Select(async (client, c) =>
        {
            for (var i = 0; i < 20; i++)
            {
                await client.SendAsync([.. RawRespClient.Encode("SET", $"c{c}", $"{i}"), .. RawRespClient.Encode("GET", $"c{c}")]);
                Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
                Assert.Equal($"${i.ToString().Length}\r\n{i}\r\n", await client.ReadReplyAsync());
            }
        }));
        foreach (var client in clients) await client.DisposeAsync();
    }

    [Fact]
    public async Task RespServer_should_answer_errors_as_redis_does()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n", await client.CallAsync("FOO", "a", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", await client.CallAsync("GET"));
        Assert.Equal("-ERR syntax error\r\n", await client.CallAsync("SET", "k", "v", "EX"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await client.CallAsync("SELECT", "x"));
        Assert.Equal("-ERR string exceeds maximum allowed size\r\n", await client.CallAsync("SET", "k", new string('x', 4097)));
        Assert.Equal("-ERR invalid key: key must not be empty\r\n", await client.CallAsync("SET", "", "v"));
        await client.SendAsync(RawRespClient.Encode("SET"u8.ToArray(), [0xC3, 0x28], "v"u8.ToArray()));
        Assert.Equal("-ERR invalid key: keys must be valid UTF-8\r\n", await client.ReadReplyAsync());
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
    }

    [Fact]
    public async Task RespServer_should_list_keys_with_keys_and_scan()
    {
        await using var client = await ConnectAsync();
        for (var i = 0; i < 30; i++) await client.CallAsync("SET", $"user:{i}", "x");
        await client.CallAsync("SET", "other", "x");

        var keys = Bulks(await client.CallAsync("KEYS", "user:?"));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"user:{i}").Order(), keys.Order());
        Assert.Equal(31, Bulks(await client.CallAsync("KEYS", "*")).Count);

        var scanned = new List<string>();
        var cursor = "0";
        var calls = 0;
        do
        {
            var reply = await client.CallAsync("SCAN", cursor, "MATCH", "user:*", "COUNT", "7");
            var parts = Bulks(reply);
            cursor = parts[0];
            scanned.AddRange(parts.Skip(1));
            calls++;
        }
        while (cursor != "0");

        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"user:{i}").Order(), scanned.Order());
        Assert.Equal(5, calls);
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", await client.CallAsync("SCAN", "0", "TYPE", "list"));
        Assert.Equal("-ERR invalid cursor\r\n", await client.CallAsync("SCAN", "999999"));
    }

    [Fact]
    public async Task RespServer_should_report_the_keyspace_in_info_and_dbsize()
    {
        await using var client = await ConnectAsync();
        foreach (var key in new[] { "a", "b", "c" }) await client.CallAsync("SET", key, "1");

        Assert.Equal(":3\r\n", await client.CallAsync("DBSIZE"));
        var info = await client.CallAsync("INFO");
        foreach (var section in new[] { "# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# Cluster", "# Keyspace" })
            Assert.Contains(section + "\r\n", info);
        Assert.Contains("cluster_enabled:0\r\nkv_cluster_mode:0\r\nkv_partitions:1\r\n", info);
        Assert.Contains("redis_version:7.2.0\r\n", info);
        Assert.Contains("connected_clients:1\r\n", info);
        Assert.Contains("# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n", info);
        var keyspace = await client.CallAsync("INFO", "keyspace");
        Assert.DoesNotContain("# Server", keyspace);
        Assert.Contains("db0:keys=3", keyspace);
    }

    [Fact]
    public async Task RespServer_should_speak_resp3_after_hello_3()
    {
        await using var client = await ConnectAsync();

        var hello = await client.CallAsync("HELLO", "3");
        Assert.StartsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.0\r\n$5\r\nproto\r\n:3\r\n", hello);
        Assert.Equal("_\r\n", await client.CallAsync("GET", "missing"));
        Assert.StartsWith("*14\r\n", await client.CallAsync("HELLO", "2"));
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", "missing"));
        Assert.Equal("-NOPROTO unsupported protocol version\r\n", await client.CallAsync("HELLO", "4"));
    }

    [Fact]
    public async Task RespServer_should_answer_what_clients_and_tools_ask_on_connect()
    {
        await using var client = await ConnectAsync();

        Assert.Equal("*2\r\n$4\r\nsave\r\n$0\r\n\r\n", await client.CallAsync("CONFIG", "GET", "save"));
        Assert.Equal("*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n", await client.CallAsync("CONFIG", "GET", "appendonly"));
        Assert.Equal("*0\r\n", await client.CallAsync("COMMAND", "DOCS"));
        Assert.Matches(@"^:\d+\r\n$", await client.CallAsync("COMMAND", "COUNT"));
        Assert.StartsWith("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n", await client.CallAsync("COMMAND", "INFO", "get"));
        Assert.Matches(@"^\*2\r\n\$10\r\n\d{10}\r\n\$\d+\r\n\d+\r\n$", await client.CallAsync("TIME"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SELECT", "0"));
        Assert.Equal("-ERR DB index is out of range\r\n", await client.CallAsync("SELECT", "1"));
        Assert.Equal("$-1\r\n", await client.CallAsync("CLIENT", "GETNAME"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CLIENT", "SETNAME", "worker-1"));
        Assert.Equal("$8\r\nworker-1\r\n", await client.CallAsync("CLIENT", "GETNAME"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CLIENT", "SETINFO", "LIB-NAME", "redis-py"));
        Assert.Matches(@"^:\d+\r\n$", await client.CallAsync("CLIENT", "ID"));
        Assert.Equal("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n", await client.CallAsync("ROLE"));
        Assert.Equal("+OK\r\n", await client.CallAsync("AUTH", "default", "anything"));

        // Keys are placed by Redis Cluster's slot function; other CLUSTER subcommands say "standalone".
        Assert.Equal(":3443\r\n", await client.CallAsync("CLUSTER", "KEYSLOT", "{user1000}.following"));
        Assert.StartsWith("-ERR This instance has cluster support disabled", await client.CallAsync("CLUSTER", "INFO"));
    }

    // The bulk strings of a reply, flattened (the cursor and keys of a SCAN reply, the keys of KEYS).
    private static List<string> Bulks(string reply)
    {
        var lines = reply.Split("\r\n");
        var bulks = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('$')) bulks.Add(lines[++i]);
        }

        return bulks;
    }
}
