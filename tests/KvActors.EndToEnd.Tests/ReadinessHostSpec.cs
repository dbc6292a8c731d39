using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using KvActors.EndToEnd.Tests.Infrastructure;
using KvActors.Protocol;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// The real kv-server restarted on a data set whose recovery takes seconds, called through both fronts the moment
/// their ports open: RESP answers -LOADING (as Redis does) and the native front a "starting" Unavailable, until the
/// data is loaded; then both serve it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class ReadinessHostSpec
{
    // Enough that recovery takes seconds here (300k recovered in 0.94 s in CI, before the test could ask).
    private const int Keys = 800_000;
    private const int KeysPerCommand = 2_000;

    [Fact]
    public async Task Host_should_tell_clients_it_is_loading_until_every_partition_has_recovered()
    {
        using var data = new TempDirectory("kvactors-e2e");
        // No snapshot: the restart replays every record, which is what makes it slow.
        using (var writer = await HostProcess.StartServingAsync(data.Path, "--snapshot-every", "100000000"))
        {
            await using var client = await RawRespClient.ConnectAsync(IPEndPoint.Parse(writer.RespEndpoint));
            // Pipelined in windows: all 400 commands at once would leave the last ones waiting past the server's
            // request timeout on a busy machine.
            const int Window = 20;
            for (var first = 0; first < Keys; first += KeysPerCommand * Window)
            {
                var sent = 0;
                for (var start = first; start < Math.Min(first + KeysPerCommand * Window, Keys); start += KeysPerCommand, sent++)
                {
                    var words = new List<string> { "MSET" };
                    for (var i = start; i < start + KeysPerCommand; i++) words.AddRange([$"key{i}", $"value{i}"]);
                    await client.SendCommandAsync([.. words]);
                }

                for (var i = 0; i < sent; i++) Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
            }

            writer.Kill();
        }

        // The port opens before recovery ends, but a busy machine may let recovery finish before the first GET is
        // read. A reply other than -LOADING or the value would be a bug; the value only means the race was lost, so
        // the restart is tried again (the recovery-time check below shows it does take seconds).
        HostProcess host = null!;
        RawRespClient resp = null!;
        RemoteFront front = null!;
        string loading = "";
        IKvReply native = null!;
        System.Diagnostics.Stopwatch asked = null!;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var respPort = FreePort.Find();
            var port = FreePort.Find();
            host = HostProcess.Start("--port", Text(port), "--resp-port", Text(respPort), "--data-dir", data.Path, "--snapshot-every", "100000000");
            resp = await ConnectWhenOpenAsync(respPort, host);
            front = new RemoteFront($"127.0.0.1:{port}");

            // Both fronts at once: the native one holds a request for up to a second (PartitionHost's loading patience)
            // before it says "starting", so a recovery that ends within that second answers it with the value instead.
            asked = System.Diagnostics.Stopwatch.StartNew();
            var nativeReply = front.AskAsync(new Get("key7"), TimeSpan.FromSeconds(10));
            loading = await resp.CallAsync("GET", "key7");
            native = await nativeReply;
            Assert.Contains(loading, new[] { "-LOADING KvActors is loading the dataset in memory\r\n", "$6\r\nvalue7\r\n" });
            if (loading.StartsWith('-') || attempt == 3) break;
            await resp.DisposeAsync();
            await front.DisposeAsync();
            host.Dispose();
        }

        using var running = host;
        await using var frontInUse = front;
        Assert.Equal("-LOADING KvActors is loading the dataset in memory\r\n", loading);
        if (native is Found)
        {
            Assert.True(asked.Elapsed < TimeSpan.FromSeconds(1.5), $"the native front held a request {asked.Elapsed.TotalSeconds:0.00}s while loading");
        }
        else
        {
            var starting = Assert.IsType<KvError>(native);
            Assert.True(starting.IsStarting, starting.ToString());
            Assert.StartsWith("starting: partition 0 is loading its data from the journal", starting.Message);
        }

        // Connection commands work while loading, as in Redis.
        Assert.Equal("+PONG\r\n", await resp.CallAsync("PING"));

        await host.WaitUntilServingAsync(TimeSpan.FromSeconds(120));
        Assert.Equal("$6\r\nvalue7\r\n", await resp.CallAsync("GET", "key7"));
        Assert.Equal("value7"u8.ToArray(), Assert.IsType<Found>(await front.AskAsync(new Get("key7"), TimeSpan.FromSeconds(10))).Value);
        var recovered = RecoveredLine().Match(host.Output);
        Assert.True(recovered.Success, host.Output);
        Assert.True(double.Parse(recovered.Groups["seconds"].Value, CultureInfo.InvariantCulture) >= 1.0, "recovery too quick to show anything:\n" + host.Output);
        Assert.True(host.Output.IndexOf("serving at", StringComparison.Ordinal) > recovered.Index, "served before recovering:\n" + host.Output);
        await resp.DisposeAsync();
    }

    // Connects the moment the port accepts; the server may still be starting.
    private static async Task<RawRespClient> ConnectWhenOpenAsync(int port, HostProcess host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await RawRespClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !host.Output.Contains("kv-server:"))
            {
                await Task.Delay(5);
            }
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Partition 0 recovered in (?<seconds>[0-9.]+)s")]
    private static partial Regex RecoveredLine();
}
