using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using KvActors.Resp;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>
/// The RESP listener in front of a real store, with clients that misbehave on purpose: one that trickles its
/// command a byte at a time, and a flood of connections past <c>max-clients</c>. Everyone else must be served.
/// </summary>
public sealed class RespHostileClientsSpec(ITestOutputHelper output)
    : RespServerTestKit(output, resp: new RespSettings { MaxClients = MaxClients })
{
    private const int MaxClients = 32;
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task RespListener_should_serve_others_while_a_client_sends_one_byte_every_100ms()
    {
        await using var slow = await ConnectAsync();
        await using var fast = await ConnectAsync();
        var frame = RawRespClient.Encode("SET", "slow", "loris");

        // One round trip before the trickle, so the timed loop below excludes what only the first command pays (JIT of
        // the RESP and store paths, the journal's first write). Idle that is a few ms; in a loaded run (the whole suite
        // starting on two cores) one fast command once took 2.0 s, cause not found: the failure message now says which
        // iteration it was and how busy the thread pool was.
        Assert.Equal("+OK\r\n", await fast.CallAsync("SET", "fast", "warm"));

        var trickle = Task.Run(async () =>
        {
            foreach (var b in frame)
            {
                await slow.SendAsync([b]);
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        });

        var served = 0;
        while (!trickle.IsCompleted)
        {
            var started = Stopwatch.GetTimestamp();
            Assert.Equal("+OK\r\n", await fast.CallAsync("SET", "fast", served.ToString()));
            Assert.Equal($"${served.ToString().Length}\r\n{served}\r\n", await fast.CallAsync("GET", "fast"));
            var took = Stopwatch.GetElapsedTime(started);
            Assert.True(took < Prompt, $"a fast client's command (round {served}) took {took}; thread pool: {ThreadPool.ThreadCount} threads, " +
                                       $"{ThreadPool.PendingWorkItemCount} work items waiting, {ThreadPool.CompletedWorkItemCount} completed");
            served++;
        }

        await trickle;
        Assert.True(served >= 10, $"only {served} commands were served during the trickle");
        Assert.Equal("+OK\r\n", await slow.ReadReplyAsync());
        Assert.Equal("$5\r\nloris\r\n", await fast.CallAsync("GET", "slow"));
    }

    [Fact]
    public async Task RespListener_should_refuse_a_flood_of_connections_past_max_clients_and_keep_serving_the_rest()
    {
        const int flood = 200;
        var sockets = await Task.WhenAll(Enumerable.Range(0, flood).Select(async _ =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(EndPoint);
            return socket;
        }));
        try
        {
            // The refused ones are told so and closed at once; the accepted ones hear nothing until they speak.
            Socket[] refused = [];
            await Eventually.AssertAsync(() =>
            {
                refused = sockets.Where(s => s.Poll(0, SelectMode.SelectRead)).ToArray();
                Assert.Equal(flood - MaxClients, refused.Length);
                return Task.CompletedTask;
            }, TimeSpan.FromSeconds(30));

            foreach (var socket in refused) Assert.Equal("-ERR max number of clients reached\r\n", await ReadToEndAsync(socket));
            foreach (var socket in sockets.Except(refused))
            {
                await socket.SendAsync("PING\r\n"u8.ToArray());
                Assert.Equal("+PONG\r\n", await ReadLineAsync(socket));
            }
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }

        await Eventually.AssertAsync(async () =>
        {
            await using var again = await ConnectAsync();
            Assert.Equal("+OK\r\n", await again.CallAsync("SET", "after", "flood"));
        }, TimeSpan.FromSeconds(10));
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (int read; (read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0;) text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        return text.ToString();
    }

    private static async Task<string> ReadLineAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!text.ToString().EndsWith("\r\n") && await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0) text.Append((char)buffer[0]);
        return text.ToString();
    }
}
