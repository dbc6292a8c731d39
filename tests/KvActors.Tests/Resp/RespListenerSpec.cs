using System.Text;
using Akka.Actor;
using Akka.TestKit;
using KvActors.Protocol;
using KvActors.Resp;
using KvActors.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>The listener and its connections over real sockets, with a probe standing in for the KvFront.</summary>
public sealed class RespListenerSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestProbe _front;
    private RespListener? _listener;

    public RespListenerSpec(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
        _front = CreateTestProbe();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_listener is not null) await _listener.DisposeAsync();
    }

    [Fact]
    public async Task RespListener_should_close_a_connection_on_a_malformed_frame_after_answering_what_came_before()
    {
        Listen();
        await using var bad = await ConnectAsync();
        await using var good = await ConnectAsync();

        await bad.SendAsync("PING\r\n*1\r\n:5\r\nPING\r\n");

        Assert.Equal("+PONG\r\n", await bad.ReadReplyAsync());
        Assert.Equal("-ERR Protocol error: expected '$', got ':'\r\n", await bad.ReadReplyAsync());
        Assert.True(await bad.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("+PONG\r\n", await good.CallAsync("PING"));
    }

    [Theory]
    [InlineData("*1\r\n$536870913\r\n", "invalid bulk length")]
    [InlineData("*1048577\r\n", "invalid multibulk length")]
    [InlineData("*1\r\n$-3\r\n", "invalid bulk length")]
    [InlineData("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nabc\r\n", "expected CRLF after bulk data")]
    public async Task RespListener_should_refuse_frames_past_the_limits(string frame, string error)
    {
        Listen();
        await using var client = await ConnectAsync();

        await client.SendAsync(frame);

        Assert.Equal($"-ERR Protocol error: {error}\r\n", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RespListener_should_answer_quit_and_close()
    {
        Listen();
        await using var client = await ConnectAsync();

        Assert.Equal("+OK\r\n", await client.CallAsync("QUIT"));
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RespListener_should_refuse_clients_over_the_limit_and_accept_again_when_one_leaves()
    {
        Listen(new RespSettings { MaxClients = 2 });
        var first = await ConnectAsync();
        await using var second = await ConnectAsync();
        Assert.Equal("+PONG\r\n", await first.CallAsync("PING"));
        Assert.Equal("+PONG\r\n", await second.CallAsync("PING"));

        await using (var third = await ConnectAsync())
        {
            Assert.Equal("-ERR max number of clients reached\r\n", await third.ReadReplyAsync());
            Assert.True(await third.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }

        await first.DisposeAsync();
        await AwaitAssertAsync(async () =>
        {
            await using var again = await ConnectAsync();
            Assert.Equal("+PONG\r\n", await again.CallAsync("PING"));
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task RespListener_should_close_idle_connections_when_asked_to()
    {
        Listen(new RespSettings { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        await using var client = await ConnectAsync();
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));

        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RespListener_should_keep_idle_connections_by_default()
    {
        Listen();
        await using var client = await ConnectAsync();
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));

        Assert.False(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
    }

    [Fact]
    public async Task RespListener_should_answer_timeout_when_the_store_does_not()
    {
        Listen(new RespSettings { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        await using var client = await ConnectAsync();

        Assert.Equal("-ERR timeout: no reply within 0.3s; if it was a write, its outcome is unknown\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
    }

    [Fact]
    public async Task RespListener_should_stop_reading_a_connection_whose_commands_are_all_in_flight()
    {
        const int inFlight = 4;
        Listen(new RespSettings { MaxInFlightPerConnection = inFlight });
        await using var client = await ConnectAsync();
        var keys = Enumerable.Range(0, 100).Select(i => $"k{i}").ToArray();

        await client.SendAsync(keys.SelectMany(k => RawRespClient.Encode("GET", k)).ToArray());

        // One reply being awaited, the channel full, one more dispatched and waiting to enter it: then nothing.
        var asked = new List<(Get Request, IActorRef ReplyTo)>();
        for (var i = 0; i < inFlight; i++) asked.Add((_front.ExpectMsg<Get>(), _front.LastSender));
        while (_front.HasMessages || asked.Count < inFlight + 2)
        {
            var more = _front.ReceiveOne(TimeSpan.FromMilliseconds(500));
            if (more is null) break;
            asked.Add(((Get)more, _front.LastSender));
        }

        Assert.InRange(asked.Count, inFlight, inFlight + 2);
        _front.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // Answer everything as it comes; every reply arrives, in order.
        var answering = Task.Run(() =>
        {
            foreach (var (request, replyTo) in asked) replyTo.Tell(new Found(Encoding.UTF8.GetBytes(request.Key), 1));
            for (var i = asked.Count; i < keys.Length; i++)
            {
                var request = _front.ExpectMsg<Get>(TimeSpan.FromSeconds(10));
                _front.LastSender.Tell(new Found(Encoding.UTF8.GetBytes(request.Key), 1));
            }
        });
        foreach (var key in keys) Assert.Equal($"${key.Length}\r\n{key}\r\n", await client.ReadReplyAsync());
        await answering;
    }

    private void Listen(RespSettings? settings = null) =>
        _listener = RespListener.Start(Sys, _front.Ref, (settings ?? new RespSettings()) with { Host = "127.0.0.1", Port = 0 });

    private Task<RawRespClient> ConnectAsync() => RawRespClient.ConnectAsync(_listener!.EndPoint);
}
