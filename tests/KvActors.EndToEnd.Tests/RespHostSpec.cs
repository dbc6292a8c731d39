using System.Net;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>kv-server's RESP listener, found through its log line, keeps data across a restart.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RespHostSpec
{
    [Fact]
    public async Task Host_should_serve_resp_on_the_logged_port_and_keep_data_across_a_restart()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using (var host = await HostProcess.StartServingAsync(data.Path))
        {
            await using var client = await RawRespClient.ConnectAsync(IPEndPoint.Parse(host.RespEndpoint));
            Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", "durable", "yes"));
        }

        using var restarted = await HostProcess.StartServingAsync(data.Path);
        await using var again = await RawRespClient.ConnectAsync(IPEndPoint.Parse(restarted.RespEndpoint));
        Assert.Equal("$3\r\nyes\r\n", await again.CallAsync("GET", "durable"));
    }

    [Fact]
    public async Task Host_should_not_listen_for_resp_when_it_is_turned_off()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using var host = await HostProcess.StartServingAsync(data.Path, "--resp-port", "-1");

        Assert.Equal("", host.RespEndpoint);
        Assert.DoesNotContain("RESP listening", host.Output);
    }

    [Fact]
    public async Task Host_should_refuse_a_resp_port_that_is_taken()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using var first = await HostProcess.StartServingAsync(data.Path);
        using var otherData = new TempDirectory("kvactors-e2e");
        var respPort = first.RespEndpoint.Split(':')[1];

        using var second = HostProcess.Start("--port", "0", "--resp-port", respPort, "--data-dir", otherData.Path);

        Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"cannot listen on 127.0.0.1:{respPort}", second.Output);
    }
}
