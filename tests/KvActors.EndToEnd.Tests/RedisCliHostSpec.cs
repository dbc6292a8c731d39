using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>redis-cli and redis-benchmark against the real kv-server: what they write survives kill -9.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RedisCliHostSpec
{
    [RedisToolsFact]
    public async Task RedisCli_writes_should_survive_kill_minus_9_and_redis_benchmark_should_run_clean()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using (var host = await HostProcess.StartServingAsync(data.Path))
        {
            var port = RespPort(host);
            Assert.Equal("OK", await Cli(port, "SET", "greeting", "hello"));
            Assert.Equal("hello", await Cli(port, "GET", "greeting"));
            Assert.Equal("11", await Cli(port, "INCRBY", "visits", "11"));
            Assert.Equal("12", await Cli(port, "INCR", "visits"));
            Assert.Equal("1", await Cli(port, "EXPIRE", "greeting", "3600"));
            // One connection for the whole transaction: redis-cli runs piped lines in order on one connection.
            var exec = await RedisTools.RunAsync(port, "redis-cli", [], "MULTI\nSET tx:a 1\nSET tx:b 2\nINCR visits\nEXEC\n");
            Assert.EndsWith("OK\nOK\n13", exec.Replace("\r", ""));
            Assert.Equal("0\ntx:a\ntx:b", await Cli(port, "SCAN", "0", "MATCH", "tx:*", "COUNT", "100"));

            var report = await RedisTools.RunAsync(port, "redis-benchmark", ["-t", "set,get,incr,mset", "-n", "2000", "-c", "8", "-q"]);
            foreach (var test in new[] { "SET: ", "GET: ", "INCR: ", "MSET (10 keys): " }) Assert.Contains(test, report);
            Assert.DoesNotContain("ERR", report);
        } // disposing kills the server with SIGKILL

        using var restarted = await HostProcess.StartServingAsync(data.Path);
        var again = RespPort(restarted);
        Assert.Equal("hello", await Cli(again, "GET", "greeting"));
        Assert.InRange(int.Parse(await Cli(again, "TTL", "greeting")), 3000, 3600);
        Assert.Equal("13", await Cli(again, "GET", "visits"));
        Assert.Equal("2", await Cli(again, "GET", "tx:b"));
    }

    private static int RespPort(HostProcess host) => int.Parse(host.RespEndpoint.Split(':')[1]);

    private static Task<string> Cli(int port, params string[] args) => RedisTools.RunAsync(port, "redis-cli", args);
}
