using KvActors.Server;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>INFO's cluster section on a single node with several partitions: no cluster, every partition hosted here.</summary>
public sealed class RespInfoSpec(ITestOutputHelper output)
    : RespServerTestKit(output, new ServerSettings { Partitions = 4 })
{
    [Fact]
    public async Task RespInfo_should_show_a_single_node_hosting_every_partition_with_its_recovery_time()
    {
        await using var client = await ConnectAsync();

        var info = InfoFields.Parse(await client.CallAsync("INFO", "cluster"));

        Assert.Equal("0", info["cluster_enabled"]);
        Assert.Equal("4", info["kv_partitions"]);
        Assert.StartsWith("akka.tcp://kv@127.0.0.1:", info["kv_node"]);
        Assert.False(info.ContainsKey("kv_cluster_members"));
        Assert.Equal("0,1,2,3", info["kv_node_partitions"]);
        var startedBy = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var partition = 0; partition < 4; partition++)
        {
            var recovery = info[$"kv_partition{partition}"].Split(',').Select(f => f.Split('=')).ToDictionary(f => f[0], f => long.Parse(f[1]));
            Assert.InRange(recovery["recovery_ms"], 0, 60_000);
            Assert.InRange(recovery["started_at_ms"], startedBy - 600_000, startedBy);
        }
    }
}
