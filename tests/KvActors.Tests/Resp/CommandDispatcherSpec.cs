using System.Text;
using Akka.Actor;
using Akka.TestKit;
using KvActors.Protocol;
using KvActors.Resp;
using KvActors.Resp.Commands;
using KvActors.Resp.Connection;
using KvActors.Resp.Execution;
using KvActors.Resp.Protocol;
using KvActors.Resp.Server;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>One connection's command flow against a probe standing in for the KvFront: what is sent, when, and what comes back.</summary>
public sealed class CommandDispatcherSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _front;
    private readonly ClientSession _session = new(1, "test");
    private readonly RespServerState _server =
        new(new RespSettings(), new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)));

    private readonly CommandDispatcher _dispatcher;

    public CommandDispatcherSpec(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
        _front = CreateTestProbe();
        _dispatcher = new CommandDispatcher(_session, _server, new StoreClient(_front.Ref, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Dispatcher_should_answer_unknown_commands_like_redis()
    {
        Assert.Equal("-ERR unknown command 'foo', with args beginning with: 'a' 'b c' ", await ReplyAsync("foo", "a", "b c"));
        Assert.Equal("-ERR unknown command 'nope', with args beginning with: ", await ReplyAsync("nope"));
        Assert.Equal("-ERR wrong number of arguments for 'get' command", await ReplyAsync("GET"));
        Assert.Equal("-ERR wrong number of arguments for 'set' command", await ReplyAsync("set", "k"));
        _front.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Dispatcher_should_send_writes_back_to_back_and_hold_a_read_until_they_are_acknowledged()
    {
        var set1 = await _dispatcher.DispatchAsync(Command("SET", "a", "1"));
        var set2 = await _dispatcher.DispatchAsync(Command("SET", "b", "2"));
        _front.ExpectMsg<Set>(s => s.Key == "a");
        var firstSender = _front.LastSender;
        _front.ExpectMsg<Set>(s => s.Key == "b");
        var secondSender = _front.LastSender;

        var get = _dispatcher.DispatchAsync(Command("GET", "a")).AsTask();
        _front.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.False(get.IsCompleted);

        secondSender.Tell(new Written(2));
        _front.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        firstSender.Tell(new Written(1));
        _front.ExpectMsg<Get>(g => g.Key == "a");
        _front.Reply(new Found("1"u8.ToArray(), 1));

        Assert.Equal("+OK", (await set1.Reply).ToString());
        Assert.Equal("+OK", (await set2.Reply).ToString());
        Assert.Equal("$1", (await (await get).Reply).ToString());
    }

    [Fact]
    public async Task Dispatcher_should_queue_a_transaction_and_send_it_as_one_batch()
    {
        Assert.Equal("+OK", await ReplyAsync("MULTI"));
        Assert.Equal("+QUEUED", await ReplyAsync("SET", "a", "1"));
        Assert.Equal("+QUEUED", await ReplyAsync("INCR", "n"));
        Assert.Equal("+QUEUED", await ReplyAsync("PING"));
        _front.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        var exec = await _dispatcher.DispatchAsync(Command("EXEC"));
        var batch = _front.ExpectMsg<Batch>();
        Assert.False(batch.AllOrNothing);
        Assert.Equal(["Set", "Increment"], batch.Requests.Select(r => r.GetType().Name));
        _front.Reply(new BatchResult([new Written(1), new Found("5"u8.ToArray(), 2)]));

        Assert.Equal("Array[+OK, :5, +PONG]", (await exec.Reply).ToString());
        Assert.Null(_session.Transaction);
    }

    [Fact]
    public async Task Dispatcher_should_answer_exec_with_one_crossslot_error_when_the_front_refuses_the_batch()
    {
        Assert.Equal("+OK", await ReplyAsync("MULTI"));
        Assert.Equal("+QUEUED", await ReplyAsync("SET", "x", "1"));
        Assert.Equal("+QUEUED", await ReplyAsync("SET", "y", "2"));

        var exec = await _dispatcher.DispatchAsync(Command("EXEC"));
        _front.ExpectMsg<Batch>();
        _front.Reply(new KvError(ErrorCode.CrossPartition, "Batch must be atomic but its keys are in different partitions"));

        Assert.Equal("-CROSSSLOT Keys in request don't hash to the same slot", (await exec.Reply).ToString());
        Assert.Null(_session.Transaction);
    }

    [Fact]
    public async Task Dispatcher_should_abort_a_transaction_with_a_command_that_could_not_be_queued()
    {
        await ReplyAsync("MULTI");
        Assert.Equal("+QUEUED", await ReplyAsync("SET", "a", "1"));
        Assert.Equal("-ERR syntax error", await ReplyAsync("SET", "a", "1", "BOGUS"));
        Assert.Equal("-ERR Command not allowed inside a transaction", await ReplyAsync("KEYS", "*"));
        Assert.StartsWith("-ERR unknown command 'nope'", await ReplyAsync("nope"));

        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", await ReplyAsync("EXEC"));
        _front.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal("-ERR EXEC without MULTI", await ReplyAsync("EXEC"));
    }

    [Fact]
    public async Task Dispatcher_should_handle_the_edges_of_transactions()
    {
        Assert.Equal("-ERR DISCARD without MULTI", await ReplyAsync("DISCARD"));
        Assert.Equal("-ERR WATCH is not supported by this server", await ReplyAsync("WATCH", "k"));
        await ReplyAsync("MULTI");
        Assert.Equal("-ERR MULTI calls can not be nested", await ReplyAsync("MULTI"));
        Assert.Equal("-ERR WATCH inside MULTI is not allowed", await ReplyAsync("WATCH", "k"));
        Assert.Equal("+OK", await ReplyAsync("DISCARD"));
        Assert.Equal("+OK", await ReplyAsync("MULTI"));
        Assert.Equal("Array[]", await ReplyAsync("EXEC"));
        _front.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Dispatcher_should_answer_timeout_when_the_front_does_not_reply()
    {
        var impatient = new CommandDispatcher(_session, _server, new StoreClient(_front.Ref, TimeSpan.FromMilliseconds(300)));
        var pending = await impatient.DispatchAsync(Command("GET", "k"));
        _front.ExpectMsg<Get>();

        var reply = await pending.Reply;

        Assert.Equal("-ERR timeout: no reply within 0.3s; if it was a write, its outcome is unknown", reply.ToString());
    }

    [Fact]
    public async Task Dispatcher_should_encode_replies_after_hello_3_in_resp3()
    {
        var before = await _dispatcher.DispatchAsync(Command("PING"));
        var hello = await _dispatcher.DispatchAsync(Command("HELLO", "3"));
        var after = await _dispatcher.DispatchAsync(Command("PING"));

        Assert.Equal(RespVersion.Resp2, before.Version);
        Assert.Equal(RespVersion.Resp3, hello.Version);
        Assert.Equal(RespVersion.Resp3, after.Version);
    }

    [Fact]
    public async Task Dispatcher_should_close_after_quit()
    {
        var quit = await _dispatcher.DispatchAsync(Command("QUIT"));

        Assert.True(quit.CloseAfter);
        Assert.Equal("+OK", (await quit.Reply).ToString());
    }

    [Fact]
    public async Task Dispatcher_should_walk_every_scan_page_for_keys_and_hold_later_commands_until_done()
    {
        var keys = await _dispatcher.DispatchAsync(Command("KEYS", "user:*"));
        Assert.Equal(new Scan("user:", null, Scan.MaxLimit), _front.ExpectMsg<Scan>());
        var firstPage = _front.LastSender;

        var later = _dispatcher.DispatchAsync(Command("SET", "x", "1")).AsTask();
        firstPage.Tell(new ScanPage([new KvEntry("user:1", [], 1), new KvEntry("user:1:x", [], 2)], "user:1:x", 2));
        Assert.Equal(new Scan("user:", "user:1:x", Scan.MaxLimit), _front.ExpectMsg<Scan>());
        _front.Reply(new ScanPage([new KvEntry("user:2", [], 3)], null, 3));

        Assert.Equal("Array[$user:1, $user:1:x, $user:2]", (await keys.Reply).ToString());
        await later;
        _front.ExpectMsg<Set>();
    }

    private async Task<string> ReplyAsync(params string[] words) =>
        (await (await _dispatcher.DispatchAsync(Command(words))).Reply).ToString();

    private static RespCommand Command(params string[] words) => new(words.Select(Encoding.UTF8.GetBytes).ToArray());
}
