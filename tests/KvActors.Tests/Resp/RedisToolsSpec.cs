using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>Redis's own command-line tools against the RESP listener: they are what operators reach for first.</summary>
public sealed class RedisToolsSpec(ITestOutputHelper output) : RespServerTestKit(output)
{
    [RedisToolsFact]
    public async Task RedisCli_should_set_get_and_list_keys()
    {
        Assert.Equal("PONG", await RunAsync("redis-cli", "PING"));
        Assert.Equal("OK", await RunAsync("redis-cli", "SET", "greeting", "hello world"));
        Assert.Equal("hello world", await RunAsync("redis-cli", "GET", "greeting"));
        Assert.Equal("greeting", await RunAsync("redis-cli", "KEYS", "*"));
        Assert.Equal("1", await RunAsync("redis-cli", "DBSIZE"));
        Assert.Contains("db0:keys=1", await RunAsync("redis-cli", "INFO", "keyspace"));
    }

    [RedisToolsFact]
    public async Task RedisBenchmark_should_run_its_set_and_get_tests()
    {
        var report = await RunAsync("redis-benchmark", "-t", "set,get", "-n", "2000", "-c", "4", "-P", "8", "-q");

        Assert.Contains("SET: ", report);
        Assert.Contains("GET: ", report);
        Assert.DoesNotContain("ERR", report);
    }

    private Task<string> RunAsync(string tool, params string[] args) => RedisTools.RunAsync(EndPoint.Port, tool, args);
}
