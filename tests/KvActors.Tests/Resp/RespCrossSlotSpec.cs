using KvActors.Server;
using KvActors.Server.Partitioning;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>
/// Multi-key writes over RESP with 16 partitions: a MULTI/EXEC, DEL, MSET, MSETNX or RENAME whose keys span
/// partitions is refused with Redis Cluster's CROSSSLOT and applies nothing; with a common {tag} it is atomic.
/// Reads across partitions (MGET, EXISTS) keep working.
/// </summary>
public sealed class RespCrossSlotSpec(ITestOutputHelper output)
    : RespServerTestKit(output, new ServerSettings { Partitions = Partitions })
{
    private const int Partitions = 16;
    private const string CrossSlot = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";
    private static readonly PartitionMap Map = new(Partitions);

    [Fact]
    public async Task Exec_should_refuse_a_transaction_over_several_partitions_and_apply_none_of_it()
    {
        Assert.NotEqual(Map.PartitionOf("x"), Map.PartitionOf("y"));
        await using var client = await ConnectAsync();

        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "x", "1"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "y", "2"));
        Assert.Equal(CrossSlot, await client.CallAsync("EXEC"));

        // Nothing was applied, and the queued commands are gone: the connection is out of the transaction.
        Assert.Equal("*2\r\n$-1\r\n$-1\r\n", await client.CallAsync("MGET", "x", "y"));
        Assert.Equal("-ERR EXEC without MULTI\r\n", await client.CallAsync("EXEC"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "x", "1"));

        // Reads are refused too (a transaction is one snapshot), as are a rename, an MSETNX and a FLUSHDB inside.
        foreach (var command in new[] { new[] { "GET", "y" }, ["RENAME", "x", "y"], ["MSETNX", "y", "1", "z", "1"], ["FLUSHDB"] })
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
            Assert.Equal("+QUEUED\r\n", await client.CallAsync("INCR", "x"));
            Assert.Equal("+QUEUED\r\n", await client.CallAsync(command));
            Assert.Equal(CrossSlot, await client.CallAsync("EXEC"));
        }

        Assert.Equal("$1\r\n1\r\n", await client.CallAsync("GET", "x"));
        Assert.Equal(":1\r\n", await client.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task Exec_should_apply_a_transaction_whose_keys_share_a_partition_atomically()
    {
        await using var client = await ConnectAsync();
        await client.CallAsync("SET", "{t}text", "abc");

        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "{t}x", "1"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "{t}y", "1"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("INCR", "{t}text"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("MSETNX", "{t}a", "1", "{t}b", "2"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("RENAME", "{t}y", "{t}z"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("MGET", "{t}x", "{t}z"));

        Assert.Equal("*6\r\n+OK\r\n+OK\r\n-ERR value is not an integer or out of range\r\n:1\r\n+OK\r\n*2\r\n$1\r\n1\r\n$1\r\n1\r\n",
            await client.CallAsync("EXEC"));
        Assert.Equal("*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n1\r\n", await client.CallAsync("MGET", "{t}x", "{t}y", "{t}z"));
    }

    [Fact]
    public async Task Multi_key_writes_should_be_refused_across_partitions_while_multi_key_reads_work()
    {
        Assert.NotEqual(Map.PartitionOf("x"), Map.PartitionOf("y"));
        Assert.NotEqual(Map.PartitionOf("new1"), Map.PartitionOf("new2"));
        Assert.NotEqual(Map.PartitionOf("x"), Map.PartitionOf("new3"));
        await using var client = await ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "x", "1"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "y", "2"));

        Assert.Equal(CrossSlot, await client.CallAsync("DEL", "x", "y"));
        Assert.Equal(CrossSlot, await client.CallAsync("UNLINK", "x", "y"));
        Assert.Equal(CrossSlot, await client.CallAsync("MSET", "x", "3", "y", "4"));
        Assert.Equal(CrossSlot, await client.CallAsync("MSETNX", "new1", "3", "new2", "4"));
        Assert.Equal(CrossSlot, await client.CallAsync("RENAME", "x", "y"));
        Assert.Equal(CrossSlot, await client.CallAsync("RENAMENX", "x", "new3"));
        Assert.Equal("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", await client.CallAsync("MGET", "x", "y"));
        Assert.Equal(":2\r\n", await client.CallAsync("EXISTS", "x", "y"));
        Assert.Equal(":2\r\n", await client.CallAsync("DBSIZE"));

        Assert.Equal("+OK\r\n", await client.CallAsync("MSET", "{t}x", "1", "{t}y", "2"));
        Assert.Equal(":2\r\n", await client.CallAsync("DEL", "{t}x", "{t}y", "{t}missing"));
    }
}

/// <summary>With one partition (the default) MULTI/EXEC and DEL stay atomic over any keys, as in standalone Redis.</summary>
public sealed class RespOnePartitionTransactionSpec(ITestOutputHelper output) : RespServerTestKit(output)
{
    [Fact]
    public async Task Exec_should_apply_a_transaction_over_any_keys_with_one_partition()
    {
        Assert.NotEqual(new PartitionMap(16).PartitionOf("x"), new PartitionMap(16).PartitionOf("y"));
        await using var client = await ConnectAsync();

        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "x", "1"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "y", "2"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("RENAME", "y", "z"));
        Assert.Equal("*3\r\n+OK\r\n+OK\r\n+OK\r\n", await client.CallAsync("EXEC"));
        Assert.Equal(":2\r\n", await client.CallAsync("DEL", "x", "z"));
    }
}
