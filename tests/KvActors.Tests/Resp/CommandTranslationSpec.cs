using System.Text;
using KvActors.Protocol;
using KvActors.Resp;
using KvActors.Resp.Commands;
using KvActors.Resp.Execution;
using KvActors.Resp.Protocol;
using KvActors.Resp.Server;
using KvActors.Tests.Infrastructure;
using Xunit;

namespace KvActors.Tests.Resp;

/// <summary>Redis commands into protocol requests, and store replies into RESP replies, without a store.</summary>
public sealed class CommandTranslationSpec
{
    private const long Now = 1_700_000_000_000;

    private readonly CommandContext _context =
        new(new ClientSession(7, "test"), new RespServerState(new RespSettings(), new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(Now))));

    [Fact]
    public void Set_should_become_an_upsert_that_clears_the_ttl()
    {
        var set = Assert.IsType<Set>(Request("SET", "k", "v"));

        Assert.Equal(("k", "v", Expiry.Never, false, (long?)null), (set.Key, Text(set.Value), set.Expiry, set.ReturnPrevious, set.ExpectedRevision));
    }

    [Theory]
    [InlineData("EX", "10", Now + 10_000)]
    [InlineData("PX", "1500", Now + 1_500)]
    [InlineData("EXAT", "1800000000", 1_800_000_000_000)]
    [InlineData("PXAT", "1800000000123", 1_800_000_000_123)]
    public void Set_should_turn_every_ttl_form_into_an_absolute_time_from_the_resp_clock(string option, string value, long at)
    {
        Assert.Equal(Expiry.At(at), Assert.IsType<Set>(Request("SET", "k", "v", option, value)).Expiry);
    }

    [Fact]
    public void Set_should_map_NX_XX_GET_and_KEEPTTL()
    {
        Assert.Equal(Expiry.Keep, Assert.IsType<Create>(Request("SET", "k", "v", "nx", "KEEPTTL")).Expiry);
        var update = Assert.IsType<Update>(Request("SET", "k", "v", "XX", "GET", "EX", "5"));
        Assert.True(update.ReturnPrevious);
        Assert.Equal(Expiry.At(Now + 5000), update.Expiry);
        Assert.True(Assert.IsType<Set>(Request("SET", "k", "v", "GET")).ReturnPrevious);

        var nxGet = Plan("SET", "k", "v", "NX", "GET");
        Assert.Equal(PlanMode.Batch, nxGet.Mode);
        Assert.Collection(nxGet.Requests, r => Assert.IsType<Get>(r), r => Assert.IsType<Create>(r));
    }

    [Theory]
    [InlineData("ERR syntax error", "SET", "k", "v", "NX", "XX")]
    [InlineData("ERR syntax error", "SET", "k", "v", "EX", "10", "PX", "10")]
    [InlineData("ERR syntax error", "SET", "k", "v", "KEEPTTL", "EX", "10")]
    [InlineData("ERR syntax error", "SET", "k", "v", "EX")]
    [InlineData("ERR syntax error", "SET", "k", "v", "BOGUS")]
    [InlineData("ERR value is not an integer or out of range", "SET", "k", "v", "EX", "ten")]
    [InlineData("ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "0")]
    [InlineData("ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "9223372036854775807")]
    [InlineData("ERR invalid expire time in 'setex' command", "SETEX", "k", "-1", "v")]
    [InlineData("ERR invalid expire time in 'getex' command", "GETEX", "k", "PX", "0")]
    [InlineData("ERR syntax error", "GETEX", "k", "PERSIST", "EX", "1")]
    [InlineData("ERR wrong number of arguments for 'mset' command", "MSET", "a", "1", "b")]
    [InlineData("ERR value is not an integer or out of range", "INCRBY", "k", "1.5")]
    [InlineData("ERR value is not an integer or out of range", "INCRBY", "k", "99999999999999999999")]
    [InlineData("ERR decrement would overflow", "DECRBY", "k", "-9223372036854775808")]
    [InlineData("ERR value is not a valid float", "INCRBYFLOAT", "k", "abc")]
    [InlineData("ERR value is not a valid float", "INCRBYFLOAT", "k", " 1")]
    [InlineData("ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "k", "inf")]
    [InlineData("ERR offset is out of range", "SETRANGE", "k", "-1", "x")]
    [InlineData("ERR string exceeds maximum allowed size", "SETRANGE", "k", "536870912", "x")]
    [InlineData("ERR NX and XX, GT or LT options at the same time are not compatible", "EXPIRE", "k", "10", "NX", "GT")]
    [InlineData("ERR GT and LT options at the same time are not compatible", "EXPIRE", "k", "10", "GT", "LT")]
    [InlineData("ERR Unsupported option FOO", "EXPIRE", "k", "10", "FOO")]
    [InlineData("ERR invalid expire time in 'expire' command", "EXPIRE", "k", "9223372036854775807")]
    [InlineData("ERR invalid cursor", "SCAN", "abc")]
    [InlineData("ERR invalid cursor", "SCAN", "12345")]
    [InlineData("ERR syntax error", "SCAN", "0", "COUNT", "0")]
    [InlineData("ERR DB index is out of range", "SELECT", "1")]
    [InlineData("NOPROTO unsupported protocol version", "HELLO", "4")]
    [InlineData("ERR unknown subcommand 'foo'. Try CLIENT HELP.", "CLIENT", "foo")]
    [InlineData("ERR wrong number of arguments for 'client|setname' command", "CLIENT", "SETNAME")]
    [InlineData("ERR Client names cannot contain spaces, newlines or special characters.", "CLIENT", "SETNAME", "a b")]
    [InlineData("ERR syntax error", "FLUSHDB", "NOW")]
    public void Commands_should_refuse_bad_arguments_with_redis_errors(string error, params string[] command)
    {
        Assert.Equal(error, Assert.Throws<CommandException>(() => Translate(command)).Message);
    }

    [Fact]
    public void Keys_should_be_refused_unless_they_are_valid_utf8()
    {
        var args = new CommandArgs([Encoding.ASCII.GetBytes("GET"), [0x66, 0xFF, 0x6F]]);

        var e = Assert.Throws<CommandException>(() => CommandTable.Find(args[0])!.Handler(args, _context));
        Assert.Equal("ERR invalid key: keys must be valid UTF-8", e.Message);
    }

    [Fact]
    public void Values_should_stay_binary()
    {
        byte[] binary = [0xFF, 0x00, 0xC3];
        var args = new CommandArgs([Encoding.ASCII.GetBytes("SET"), "k"u8.ToArray(), binary]);

        var plan = ((CommandAction.Store)CommandTable.Find(args[0])!.Handler(args, _context)).Plan;

        Assert.Equal(binary, Assert.IsType<Set>(Assert.Single(plan.Requests)).Value);
    }

    [Fact]
    public void Counters_should_become_increments()
    {
        Assert.Equal(new Increment("n", 1), Request("INCR", "n"));
        Assert.Equal(new Increment("n", -1), Request("DECR", "n"));
        Assert.Equal(new Increment("n", -9223372036854775807), Request("INCRBY", "n", "-9223372036854775807"));
        Assert.Equal(new Increment("n", -5), Request("DECRBY", "n", "5"));
        Assert.Equal(new IncrementFloat("n", 0.25), Request("INCRBYFLOAT", "n", "0.25"));
        Assert.Equal(new IncrementFloat("n", 5000), Request("INCRBYFLOAT", "n", "5.0e3"));
    }

    [Fact]
    public void Expire_commands_should_become_set_expiry_with_absolute_times_and_conditions()
    {
        Assert.Equal(new SetExpiry("k", Now + 10_000), Request("EXPIRE", "k", "10"));
        Assert.Equal(new SetExpiry("k", Now - 10_000), Request("EXPIRE", "k", "-10"));
        Assert.Equal(new SetExpiry("k", Now + 10, ExpiryCondition.IfNone), Request("PEXPIRE", "k", "10", "NX"));
        Assert.Equal(new SetExpiry("k", 5000, ExpiryCondition.IfAny), Request("EXPIREAT", "k", "5", "xx"));
        Assert.Equal(new SetExpiry("k", 5, ExpiryCondition.IfLater), Request("PEXPIREAT", "k", "5", "GT"));
        Assert.Equal(new SetExpiry("k", 5, ExpiryCondition.IfLater), Request("PEXPIREAT", "k", "5", "XX", "GT"));
        Assert.Equal(new SetExpiry("k", 5, ExpiryCondition.IfEarlier), Request("PEXPIREAT", "k", "5", "LT"));
        Assert.Equal(new SetExpiry("k", null, ExpiryCondition.IfAny), Request("PERSIST", "k"));
    }

    [Fact]
    public void Multi_key_commands_should_become_batches_or_concurrent_reads()
    {
        var del = Plan("DEL", "a", "b", "a");
        Assert.Equal(PlanMode.Batch, del.Mode);
        Assert.Equal([new Delete("a"), new Delete("b"), new Delete("a")], del.Requests);

        var mget = Plan("MGET", "a", "b");
        Assert.Equal(PlanMode.Concurrent, mget.Mode);
        Assert.True(mget.IsRead);

        var mset = Plan("MSET", "a", "1", "b", "2");
        Assert.Equal(PlanMode.AllOrNothing, mset.Mode);
        Assert.Equal(["a", "b"], mset.Requests.Cast<Set>().Select(s => s.Key));

        var msetnx = Plan("MSETNX", "a", "1", "b", "2", "a", "3");
        Assert.Equal(PlanMode.AllOrNothing, msetnx.Mode);
        Assert.Equal([("a", "3"), ("b", "2")], msetnx.Requests.Cast<Create>().Select(c => (c.Key, Text(c.Value))));
    }

    [Fact]
    public void GetEx_with_an_option_should_be_one_batch_of_get_then_set_expiry()
    {
        var plan = Plan("GETEX", "k", "EX", "10");

        Assert.Equal(PlanMode.Batch, plan.Mode);
        Assert.Equal([new Get("k"), new SetExpiry("k", Now + 10_000)], plan.Requests);
        Assert.Equal([new Get("k"), new SetExpiry("k", null)], Plan("GETEX", "k", "PERSIST").Requests);
        Assert.Equal([new Get("k")], Plan("GETEX", "k").Requests);
    }

    public static TheoryData<string[], IKvReply, string> StoreReplies => new()
    {
        { ["GET", "k"], new Found("v"u8.ToArray(), 3), "$v" },
        { ["GET", "k"], new KvError(ErrorCode.NotFound, "gone"), "(nil)" },
        { ["GET", "k"], new KvError(ErrorCode.Unavailable, "journal failed"), "-ERR store unavailable, retry later: journal failed" },
        { ["GET", "k"], new KvError(ErrorCode.Timeout, "no reply"), "-ERR timeout: no reply" },
        { ["GET", "k"], new KvError(ErrorCode.Busy, "queue full"), "-ERR server busy, retry later: queue full" },
        { ["GET", "k"], new KvError(ErrorCode.InvalidKey, "key must not be empty"), "-ERR invalid key: key must not be empty" },
        { ["SET", "k", "v"], new Written(4), "+OK" },
        { ["SET", "k", "v"], new KvError(ErrorCode.ValueTooLarge, "too big"), "-ERR string exceeds maximum allowed size" },
        { ["SET", "k", "v", "GET"], new Written(4, "old"u8.ToArray()), "$old" },
        { ["SET", "k", "v", "GET"], new Written(4), "(nil)" },
        { ["SET", "k", "v", "NX"], new KvError(ErrorCode.AlreadyExists, "exists"), "(nil)" },
        { ["SET", "k", "v", "XX"], new KvError(ErrorCode.NotFound, "missing"), "(nil)" },
        { ["SETNX", "k", "v"], new Written(1), ":1" },
        { ["SETNX", "k", "v"], new KvError(ErrorCode.AlreadyExists, "exists"), ":0" },
        { ["GETDEL", "k"], new Deleted(5, "v"u8.ToArray()), "$v" },
        { ["GETDEL", "k"], new KvError(ErrorCode.NotFound, "missing"), "(nil)" },
        { ["INCR", "n"], new Found("-12"u8.ToArray(), 5), ":-12" },
        { ["INCR", "n"], new KvError(ErrorCode.NotANumber, "not a number"), "-ERR value is not an integer or out of range" },
        { ["INCR", "n"], new KvError(ErrorCode.Overflow, "overflow"), "-ERR increment or decrement would overflow" },
        { ["INCRBYFLOAT", "n", "1"], new Found("10.5"u8.ToArray(), 5), "$10.5" },
        { ["INCRBYFLOAT", "n", "1"], new KvError(ErrorCode.NotANumber, "not a number"), "-ERR value is not a valid float" },
        { ["INCRBYFLOAT", "n", "1"], new KvError(ErrorCode.Overflow, "overflow"), "-ERR increment would produce NaN or Infinity" },
        { ["APPEND", "k", "v"], new Found("hello"u8.ToArray(), 5), ":5" },
        { ["APPEND", "k", "v"], new KvError(ErrorCode.Overflow, "too long"), "-ERR string exceeds maximum allowed size" },
        { ["STRLEN", "k"], new KvError(ErrorCode.NotFound, "missing"), ":0" },
        { ["GETRANGE", "k", "-3", "-1"], new Found("Hello"u8.ToArray(), 5), "$llo" },
        { ["GETRANGE", "k", "0", "100"], new Found("Hello"u8.ToArray(), 5), "$Hello" },
        { ["GETRANGE", "k", "3", "1"], new Found("Hello"u8.ToArray(), 5), "$" },
        { ["GETRANGE", "k", "0", "1"], new KvError(ErrorCode.NotFound, "missing"), "$" },
        { ["EXPIRE", "k", "10"], new ExpiryResult(true, 9), ":1" },
        { ["EXPIRE", "k", "10", "NX"], new ExpiryResult(false, 9), ":0" },
        { ["EXPIRE", "k", "10"], new KvError(ErrorCode.NotFound, "missing"), ":0" },
        { ["TTL", "k"], new Found("v"u8.ToArray(), 1, Now + 9_600), ":10" },
        { ["TTL", "k"], new Found("v"u8.ToArray(), 1), ":-1" },
        { ["TTL", "k"], new KvError(ErrorCode.NotFound, "missing"), ":-2" },
        { ["PTTL", "k"], new Found("v"u8.ToArray(), 1, Now + 9_600), ":9600" },
        { ["EXPIRETIME", "k"], new Found("v"u8.ToArray(), 1, 1_800_000_000_000), ":1800000000" },
        { ["PEXPIRETIME", "k"], new Found("v"u8.ToArray(), 1, 1_800_000_000_123), ":1800000000123" },
        { ["RENAME", "a", "b"], new Written(3), "+OK" },
        { ["RENAME", "a", "b"], new KvError(ErrorCode.NotFound, "missing"), "-ERR no such key" },
        { ["RENAMENX", "a", "b"], new KvError(ErrorCode.AlreadyExists, "exists"), ":0" },
        { ["RENAMENX", "a", "b"], new Written(3), ":1" },
        { ["TYPE", "a"], new ExistsResult(true, 3), "+string" },
        { ["TYPE", "a"], new ExistsResult(false, 0), "+none" },
        { ["RANDOMKEY"], new RandomKeyResult("a"), "$a" },
        { ["RANDOMKEY"], new RandomKeyResult(null), "(nil)" },
        { ["FLUSHDB"], new Deleted(8), "+OK" },
        { ["DBSIZE"], new StoreStats(42, 1, 1, 0, "data", TimeSpan.Zero), ":42" },
        { ["GET", "k"], new ExistsResult(true, 1), "-ERR unexpected reply ExistsResult from the store" },
        { ["SET", "k", "v"], new KvError(ErrorCode.UnsupportedRequest, "unsupported request Set"), "-ERR not supported by the store: unsupported request Set" },
    };

    [Theory]
    [MemberData(nameof(StoreReplies))]
    public void Store_replies_should_read_as_redis_replies(string[] command, IKvReply reply, string expected)
    {
        Assert.Equal(expected, Plan(command).ToReply([reply]).ToString());
    }

    public static TheoryData<string[], IKvReply[], string> BatchReplies => new()
    {
        { ["DEL", "a", "b", "a"], [new Deleted(1), new KvError(ErrorCode.NotFound, "x"), new KvError(ErrorCode.NotFound, "x")], ":1" },
        { ["EXISTS", "a", "a", "b"], [new ExistsResult(true, 1), new ExistsResult(true, 1), new ExistsResult(false, 0)], ":2" },
        { ["MGET", "a", "b"], [new Found("1"u8.ToArray(), 1), new KvError(ErrorCode.NotFound, "x")], "Array[$1, (nil)]" },
        { ["MSET", "a", "1", "b", "2"], [new Written(1), new Written(2)], "+OK" },
        { ["MSETNX", "a", "1", "b", "2"], [new Written(1), new Written(2)], ":1" },
        { ["MSETNX", "a", "1", "b", "2"], [new KvError(ErrorCode.AlreadyExists, "x"), new KvError(ErrorCode.AlreadyExists, "x")], ":0" },
        { ["SET", "k", "v", "NX", "GET"], [new Found("old"u8.ToArray(), 1), new KvError(ErrorCode.AlreadyExists, "x")], "$old" },
        { ["SET", "k", "v", "NX", "GET"], [new KvError(ErrorCode.NotFound, "x"), new Written(2)], "(nil)" },
        { ["GETEX", "k", "EX", "5"], [new Found("v"u8.ToArray(), 1), new ExpiryResult(true, 2)], "$v" },
        { ["GETEX", "k", "EX", "5"], [new KvError(ErrorCode.NotFound, "x"), new KvError(ErrorCode.NotFound, "x")], "(nil)" },
    };

    [Theory]
    [MemberData(nameof(BatchReplies))]
    public void Batch_replies_should_read_as_one_redis_reply(string[] command, IKvReply[] replies, string expected)
    {
        Assert.Equal(expected, Plan(command).ToReply(replies).ToString());
    }

    [Fact]
    public void Scan_should_hand_out_numeric_cursors_that_continue_after_the_last_key()
    {
        var first = Plan("SCAN", "0", "MATCH", "user:*", "COUNT", "2");
        Assert.Equal(new Scan("user:", null, 2), Assert.Single(first.Requests));
        var reply = first.ToReply([new ScanPage([Entry("user:1"), Entry("user:2")], "user:2", 9)]);
        var cursor = Encoding.ASCII.GetString(reply.Items[0].Bytes);
        Assert.NotEqual("0", cursor);
        Assert.Equal(["user:1", "user:2"], reply.Items[1].Items.Select(k => Encoding.UTF8.GetString(k.Bytes)));

        var next = Plan("SCAN", cursor, "MATCH", "user:?");
        Assert.Equal(new Scan("user:", "user:2", 10), Assert.Single(next.Requests));
        var last = next.ToReply([new ScanPage([Entry("user:3"), Entry("user:33")], null, 9)]);
        Assert.Equal("Array[$0, Array[$user:3]]", last.ToString());
    }

    [Fact]
    public void Scan_for_another_type_should_find_nothing_without_asking_the_store()
    {
        Assert.Equal("Array[$0, Array[]]", Assert.IsType<CommandAction.Reply>(Translate("SCAN", "0", "TYPE", "hash")).Value.ToString());
    }

    [Fact]
    public void Transaction_should_queue_into_one_batch_and_split_the_replies_per_command()
    {
        var transaction = new Transaction();
        transaction.Queue(Translate("SET", "a", "1"));
        transaction.Queue(Translate("PING"));
        transaction.Queue(Translate("MSETNX", "b", "1", "c", "2"));
        transaction.Queue(Translate("INCR", "n"));

        var plan = Assert.IsType<CommandAction.Store>(transaction.ToExec()).Plan;

        Assert.Equal(PlanMode.Batch, plan.Mode);
        Assert.Collection(plan.Requests,
            r => Assert.IsType<Set>(r),
            r => Assert.True(Assert.IsType<Batch>(r).AllOrNothing),
            r => Assert.Equal(new Increment("n", 1), r));
        var reply = plan.ToReply([new Written(1), new KvError(ErrorCode.AlreadyExists, "c exists"), new Found("1"u8.ToArray(), 2)]);
        Assert.Equal("Array[+OK, +PONG, :0, :1]", reply.ToString());
    }

    [Fact]
    public void Transaction_of_local_commands_only_should_not_ask_the_store()
    {
        var transaction = new Transaction();
        transaction.Queue(Translate("PING"));
        transaction.Queue(Translate("ECHO", "hi"));

        Assert.Equal("Array[+PONG, $hi]", Assert.IsType<CommandAction.Reply>(transaction.ToExec()).Value.ToString());
    }

    [Fact]
    public void Hello_should_switch_the_session_to_resp3_and_describe_the_server()
    {
        var reply = Assert.IsType<CommandAction.Reply>(Translate("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "app")).Value;

        Assert.Equal(RespVersion.Resp3, _context.Session.Version);
        Assert.Equal("app", _context.Session.Name);
        Assert.Equal(RespKind.Map, reply.Kind);
        Assert.Equal("Map[$server, $redis, $version, $7.2.0, $proto, :3, $id, :7, $mode, $standalone, $role, $master, $modules, Array[]]", reply.ToString());
    }

    [Fact]
    public void Config_get_should_answer_what_redis_benchmark_asks()
    {
        Assert.Equal("Map[$save, $]", Assert.IsType<CommandAction.Reply>(Translate("CONFIG", "GET", "save")).Value.ToString());
        Assert.Equal("Map[$appendonly, $yes]", Assert.IsType<CommandAction.Reply>(Translate("CONFIG", "GET", "APPENDONLY")).Value.ToString());
        Assert.Equal("Map[]", Assert.IsType<CommandAction.Reply>(Translate("CONFIG", "GET", "nothing-like-this")).Value.ToString());
    }

    private static KvEntry Entry(string key) => new(key, [], 1);

    private CommandAction Translate(params string[] words)
    {
        var args = new CommandArgs(words.Select(Encoding.UTF8.GetBytes).ToArray());
        return CommandTable.Find(args[0])!.Handler(args, _context);
    }

    private StorePlan Plan(params string[] words) => Assert.IsType<CommandAction.Store>(Translate(words)).Plan;

    private IKvRequest Request(params string[] words) => Assert.Single(Plan(words).Requests);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
