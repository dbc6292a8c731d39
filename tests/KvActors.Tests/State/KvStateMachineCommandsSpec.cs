using System.Text;
using KvActors.Journal;
using KvActors.Protocol;
using KvActors.Server.State;
using Xunit;

namespace KvActors.Tests.State;

/// <summary>The read-modify-write, expiry, rename, clear and batch commands of the pure state machine.</summary>
public sealed class KvStateMachineCommandsSpec
{
    private const long Now = 1_700_000_000_000;
    private readonly KvStateMachine _machine = new(new StoreLimits(MaxValueBytes: 64));

    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    private IKvReply Execute(IWriteCommand command, long now = Now)
    {
        var decision = _machine.Decide(command, now);
        _machine.Accept(decision.Events);
        foreach (var e in decision.Events) _machine.ApplyEvent(e);
        return decision.Reply;
    }

    private IKvReply Read(IKvQuery query, long now = Now) => _machine.Query(query, now);

    private static ErrorCode ErrorOf(IKvReply reply) => Assert.IsType<KvError>(reply).Code;

    [Fact]
    public void Increment_should_count_from_zero_and_reject_non_integers_and_overflow()
    {
        Assert.Equal("5", S(Assert.IsType<Found>(Execute(new Increment("n", 5))).Value));
        Assert.Equal("-2", S(Assert.IsType<Found>(Execute(new Increment("n", -7))).Value));
        Execute(new Set("text", V("12a")));
        Assert.Equal(ErrorCode.NotANumber, ErrorOf(Execute(new Increment("text", 1))));
        Execute(new Set("big", V(long.MaxValue.ToString())));
        Assert.Equal(ErrorCode.Overflow, ErrorOf(Execute(new Increment("big", 1))));
        Execute(new Set("spaced", V(" 1")));
        Assert.Equal(ErrorCode.NotANumber, ErrorOf(Execute(new Increment("spaced", 1))));
    }

    [Fact]
    public void IncrementFloat_should_print_the_shortest_exact_form()
    {
        Execute(new Set("f", V("10.50")));
        Assert.Equal("10.6", S(Assert.IsType<Found>(Execute(new IncrementFloat("f", 0.1))).Value));
        Assert.Equal("3", S(Assert.IsType<Found>(Execute(new IncrementFloat("g", 3.0))).Value));
        Assert.Equal("100000000000000000000", S(Assert.IsType<Found>(Execute(new IncrementFloat("h", 1e20))).Value));
        Execute(new Set("t", V("abc")));
        Assert.Equal(ErrorCode.NotANumber, ErrorOf(Execute(new IncrementFloat("t", 1))));
    }

    [Fact]
    public void Append_and_SetRange_should_build_values_within_the_size_limit()
    {
        Assert.Equal("ab", S(Assert.IsType<Found>(Execute(new Append("k", V("ab")))).Value));
        Assert.Equal("abcd", S(Assert.IsType<Found>(Execute(new Append("k", V("cd")))).Value));
        Assert.Equal("abXd", S(Assert.IsType<Found>(Execute(new SetRange("k", 2, V("X")))).Value));
        Assert.Equal(new byte[] { 0, 0, (byte)'z' }, Assert.IsType<Found>(Execute(new SetRange("fresh", 2, V("z")))).Value);
        Assert.Equal(ErrorCode.ValueTooLarge, ErrorOf(Execute(new Append("k", new byte[61]))));
        Assert.Equal(ErrorCode.ValueTooLarge, ErrorOf(Execute(new SetRange("k", 60, V("12345")))));
    }

    [Fact]
    public void An_expired_key_should_read_as_absent_and_be_swept_by_a_durable_deletion()
    {
        Execute(new Set("ttl", V("v"), Expiry: Expiry.At(Now + 1000)));
        Assert.Equal(Now + 1000, Assert.IsType<Found>(Read(new Get("ttl"))).ExpiresAtUnixMs);
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Read(new Get("ttl"), Now + 1000)));
        Assert.Equal(new ExistsResult(false, 0), Read(new Exists("ttl"), Now + 1000));
        Assert.Empty(Assert.IsType<ScanPage>(Read(new Scan("", null, 10), Now + 1000)).Entries);

        Assert.Empty(_machine.DecideExpirations(Now + 999, 10));
        var sweep = _machine.DecideExpirations(Now + 1000, 10);
        var deleted = Assert.IsType<KeyDeleted>(Assert.Single(sweep));
        Assert.Equal("ttl", deleted.Key);
        _machine.Accept(sweep);
        _machine.ApplyEvent(sweep[0]);
        Assert.Equal(0, _machine.Count);
    }

    [Fact]
    public void A_write_should_clear_the_ttl_unless_asked_to_keep_it_and_counters_should_keep_it()
    {
        Execute(new Set("k", V("1"), Expiry: Expiry.At(Now + 5000)));
        Execute(new Increment("k", 1));
        Assert.Equal(Now + 5000, Assert.IsType<Found>(Read(new Get("k"))).ExpiresAtUnixMs);
        Execute(new Set("k", V("x"), Expiry: Expiry.Keep));
        Assert.Equal(Now + 5000, Assert.IsType<Found>(Read(new Get("k"))).ExpiresAtUnixMs);
        Execute(new Set("k", V("y")));
        Assert.Null(Assert.IsType<Found>(Read(new Get("k"))).ExpiresAtUnixMs);
    }

    [Fact]
    public void SetExpiry_should_honour_its_condition_and_delete_when_the_time_has_passed()
    {
        Execute(new Set("k", V("v")));
        Assert.False(Assert.IsType<ExpiryResult>(Execute(new SetExpiry("k", Now + 100, ExpiryCondition.IfAny))).Applied);
        Assert.False(Assert.IsType<ExpiryResult>(Execute(new SetExpiry("k", Now + 100, ExpiryCondition.IfLater))).Applied);
        Assert.True(Assert.IsType<ExpiryResult>(Execute(new SetExpiry("k", Now + 100, ExpiryCondition.IfNone))).Applied);
        Assert.False(Assert.IsType<ExpiryResult>(Execute(new SetExpiry("k", Now + 50, ExpiryCondition.IfLater))).Applied);
        Assert.True(Assert.IsType<ExpiryResult>(Execute(new SetExpiry("k", Now + 50, ExpiryCondition.IfEarlier))).Applied);
        Assert.True(Assert.IsType<ExpiryResult>(Execute(new SetExpiry("k", null))).Applied); // PERSIST
        Assert.False(Assert.IsType<ExpiryResult>(Execute(new SetExpiry("k", null))).Applied);
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Execute(new SetExpiry("missing", Now + 10))));

        Assert.True(Assert.IsType<ExpiryResult>(Execute(new SetExpiry("k", Now - 1))).Applied);
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Read(new Get("k"))));
        Assert.Equal(0, _machine.Count);
    }

    [Fact]
    public void Rename_should_move_value_and_ttl_atomically()
    {
        Execute(new Set("a", V("1"), Expiry: Expiry.At(Now + 9000)));
        Execute(new Set("b", V("2")));
        Assert.Equal(ErrorCode.AlreadyExists, ErrorOf(Execute(new Rename("a", "b", OnlyIfAbsent: true))));
        var decision = _machine.Decide(new Rename("a", "c"), Now);
        Assert.Equal(2, decision.Events.Count);
        Execute(new Rename("a", "c"));
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Read(new Get("a"))));
        var c = Assert.IsType<Found>(Read(new Get("c")));
        Assert.Equal("1", S(c.Value));
        Assert.Equal(Now + 9000, c.ExpiresAtUnixMs);
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Execute(new Rename("missing", "x"))));
    }

    [Fact]
    public void Clear_should_remove_every_key_and_pending_decisions_should_see_it()
    {
        Execute(new Set("a", V("1")));
        var clear = _machine.Decide(Clear.Instance, Now);
        _machine.Accept(clear.Events);
        Assert.IsType<Found>(Read(new Get("a"))); // not durable yet
        Assert.False(_machine.Decide(new Create("a", V("2")), Now).IsRejected);
        _machine.ApplyEvent(clear.Events[0]);
        Assert.Equal(0, _machine.Count);
        Assert.Equal(2, _machine.Revision);
    }

    [Fact]
    public void A_batch_should_see_its_own_earlier_steps_and_produce_one_list_of_events()
    {
        var batch = new Batch([new Set("a", V("1")), new Increment("a", 41), new Get("a"), new Delete("zzz"), new Exists("a")]);
        var decision = _machine.Decide(batch, Now);
        Assert.Equal(2, decision.Events.Count);
        var replies = Assert.IsType<BatchResult>(decision.Reply).Replies;
        Assert.Equal(new Written(1), replies[0]);
        Assert.Equal("42", S(Assert.IsType<Found>(replies[2]).Value));
        Assert.Equal(ErrorCode.NotFound, ErrorOf(replies[3]));
        Assert.Equal(new ExistsResult(true, 2), replies[4]);
    }

    [Fact]
    public void An_all_or_nothing_batch_should_apply_nothing_when_one_step_fails()
    {
        Execute(new Set("b", V("taken")));
        var decision = _machine.Decide(new Batch([new Create("a", V("1")), new Create("b", V("2"))], AllOrNothing: true), Now);
        Assert.Empty(decision.Events);
        Assert.Equal(ErrorCode.AlreadyExists, ErrorOf(decision.Reply));
    }

    [Fact]
    public void ReturnPrevious_should_hand_back_the_old_value()
    {
        Assert.Null(Assert.IsType<Written>(Execute(new Set("k", V("old"), ReturnPrevious: true))).Previous);
        Assert.Equal("old", S(Assert.IsType<Written>(Execute(new Set("k", V("new"), ReturnPrevious: true))).Previous!));
        Assert.Equal("new", S(Assert.IsType<Deleted>(Execute(new Delete("k", ReturnPrevious: true))).Previous!));
    }

    [Fact]
    public void RandomKey_should_pick_only_live_keys()
    {
        Assert.Null(Assert.IsType<RandomKeyResult>(Read(new RandomKey(7))).Key);
        Execute(new Set("dead", V("x"), Expiry: Expiry.At(Now + 1)));
        Execute(new Set("live", V("y")));
        for (var seed = 0; seed < 5; seed++)
            Assert.Equal("live", Assert.IsType<RandomKeyResult>(Read(new RandomKey(seed), Now + 10)).Key);
    }

    [Fact]
    public void A_snapshot_should_keep_expiries()
    {
        Execute(new Set("k", V("v"), Expiry: Expiry.At(Now + 100)));
        var restored = new KvStateMachine(new StoreLimits());
        restored.LoadSnapshot(_machine.ToSnapshot());
        Assert.Equal(Now + 100, Assert.IsType<Found>(restored.Query(new Get("k"), Now)).ExpiresAtUnixMs);
        Assert.Single(restored.DecideExpirations(Now + 100, 10));
    }
}
