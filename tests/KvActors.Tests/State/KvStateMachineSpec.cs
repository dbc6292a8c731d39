using System.Text;
using KvActors.Protocol;
using KvActors.Server.State;
using Xunit;

namespace KvActors.Tests.State;

/// <summary>The pure state machine, driven directly: no actors, no journal.</summary>
public sealed class KvStateMachineSpec
{
    private readonly KvStateMachine _machine = new(new StoreLimits());

    // A fixed "now": no key in these specs expires unless a spec says so.
    private const long Now = 1_700_000_000_000;

    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);

    private static IKvReply Read(KvStateMachine machine, IKvQuery query) => machine.Query(query, Now);

    private static Decision Decide(KvStateMachine machine, IWriteCommand command) => machine.Decide(command, Now);

    /// <summary>Decide, accept and apply at once, as if the journal were instant.</summary>
    private IKvReply Execute(IWriteCommand command)
    {
        var decision = Decide(_machine, command);
        _machine.Accept(decision.Events);
        foreach (var e in decision.Events) _machine.ApplyEvent(e);
        return decision.Reply;
    }

    private ErrorCode ErrorOf(IKvReply reply) => Assert.IsType<KvError>(reply).Code;

    [Fact]
    public void Decide_should_change_nothing()
    {
        var decision = Decide(_machine, new Set("k", V("v")));
        Assert.Single(decision.Events);
        Assert.Equal(0, _machine.Revision);
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Read(_machine, new Get("k"))));
    }

    [Fact]
    public void Every_change_should_bump_the_store_revision_and_stamp_the_key()
    {
        Assert.Equal(new Written(1), Execute(new Set("a", V("1"))));
        Assert.Equal(new Written(2), Execute(new Set("b", V("2"))));
        Assert.Equal(new Written(3), Execute(new Set("a", V("3"))));
        Assert.Equal(new Deleted(4), Execute(new Delete("b")));

        var a = Assert.IsType<Found>(Read(_machine, new Get("a")));
        Assert.Equal(3, a.Revision);
        Assert.Equal("3", Encoding.UTF8.GetString(a.Value));
        Assert.Equal(4, _machine.Revision);
        Assert.Equal(new ExistsResult(false, 0), Read(_machine, new Exists("b")));
    }

    [Fact]
    public void Create_and_Update_should_insert_only_and_replace_only()
    {
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Execute(new Update("k", V("x")))));
        Assert.Equal(new Written(1), Execute(new Create("k", V("x"))));
        Assert.Equal(ErrorCode.AlreadyExists, ErrorOf(Execute(new Create("k", V("y")))));
        Assert.Equal(new Written(2), Execute(new Update("k", V("y"))));
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Execute(new Delete("missing"))));
    }

    [Fact]
    public void Compare_and_set_should_apply_only_at_the_expected_revision()
    {
        Assert.Equal(new Written(1), Execute(new Set("k", V("a"), ExpectedRevision: 0)));
        Assert.Equal(ErrorCode.RevisionMismatch, ErrorOf(Execute(new Set("k", V("b"), ExpectedRevision: 0))));
        Assert.Equal(ErrorCode.RevisionMismatch, ErrorOf(Execute(new Set("k", V("b"), ExpectedRevision: 7))));
        Assert.Equal(new Written(2), Execute(new Set("k", V("b"), ExpectedRevision: 1)));
        Assert.Equal(ErrorCode.RevisionMismatch, ErrorOf(Execute(new Update("k", V("c"), ExpectedRevision: 1))));
        Assert.Equal(ErrorCode.RevisionMismatch, ErrorOf(Execute(new Delete("k", ExpectedRevision: 1))));
        Assert.Equal(new Deleted(3), Execute(new Delete("k", ExpectedRevision: 2)));
        Assert.Equal(ErrorCode.RevisionMismatch, ErrorOf(Execute(new Set("k", V("d"), ExpectedRevision: 2))));
    }

    [Fact]
    public void Decisions_should_see_pending_writes_but_reads_should_not()
    {
        var first = Decide(_machine, new Create("k", V("1")));
        _machine.Accept(first.Events);

        // Not durable yet: invisible to reads, but a second Create must already fail and a CAS must see revision 1.
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Read(_machine, new Get("k"))));
        Assert.True(Decide(_machine, new Create("k", V("2"))).IsRejected);
        var cas = Decide(_machine, new Set("k", V("2"), ExpectedRevision: 1));
        Assert.False(cas.IsRejected);
        Assert.Equal(new Written(2), cas.Reply);
        _machine.Accept(cas.Events);

        _machine.ApplyEvent(first.Events[0]);
        Assert.Equal(1, Assert.IsType<Found>(Read(_machine, new Get("k"))).Revision);
        // The CAS is still pending, so decisions must see revision 2, not the durable 1.
        Assert.True(Decide(_machine, new Set("k", V("3"), ExpectedRevision: 1)).IsRejected);

        _machine.ApplyEvent(cas.Events[0]);
        Assert.Equal(2, Assert.IsType<Found>(Read(_machine, new Get("k"))).Revision);
        Assert.False(Decide(_machine, new Set("k", V("3"), ExpectedRevision: 2)).IsRejected);
    }

    [Fact]
    public void A_pending_delete_should_make_the_key_absent_for_decisions()
    {
        Execute(new Set("k", V("1")));
        var delete = Decide(_machine, new Delete("k"));
        _machine.Accept(delete.Events);

        Assert.IsType<Found>(Read(_machine, new Get("k")));
        Assert.Equal(ErrorCode.NotFound, ErrorOf(Decide(_machine, new Delete("k")).Reply));
        Assert.Equal(new Written(3), Decide(_machine, new Create("k", V("2"))).Reply);
    }

    [Fact]
    public void Scan_should_page_in_ordinal_order_with_a_cursor()
    {
        foreach (var key in new[] { "user:b", "user:a", "user:c", "users", "user:B", "other" }) Execute(new Set(key, V(key)));

        var first = Assert.IsType<ScanPage>(Read(_machine, new Scan("user:", null, 2)));
        Assert.Equal(["user:B", "user:a"], first.Entries.Select(e => e.Key));
        Assert.Equal("user:a", first.NextCursor);

        var second = Assert.IsType<ScanPage>(Read(_machine, new Scan("user:", first.NextCursor, 2)));
        Assert.Equal(["user:b", "user:c"], second.Entries.Select(e => e.Key));
        Assert.Null(second.NextCursor); // no cursor exactly when nothing is left

        var third = Assert.IsType<ScanPage>(Read(_machine, new Scan("user:", "user:b", 2)));
        Assert.Equal(["user:c"], third.Entries.Select(e => e.Key));

        var all = Assert.IsType<ScanPage>(Read(_machine, new Scan("", null, 100)));
        Assert.Equal(6, all.Entries.Count);
        Assert.Null(all.NextCursor);
    }

    [Fact]
    public void Scan_should_stop_a_page_at_the_byte_budget_but_return_at_least_one_entry()
    {
        var machine = new KvStateMachine(new StoreLimits(MaxValueBytes: 100));
        foreach (var key in new[] { "a", "b", "c" })
        {
            var d = Decide(machine, new Set(key, new byte[80]));
            machine.Accept(d.Events);
            machine.ApplyEvent(d.Events[0]);
        }

        var page = Assert.IsType<ScanPage>(Read(machine, new Scan("", null, 10)));
        Assert.Single(page.Entries);
        Assert.Equal("a", page.NextCursor);
    }

    [Fact]
    public void A_snapshot_should_restore_the_same_state()
    {
        for (var i = 0; i < 50; i++) Execute(new Set($"k{i:D2}", V($"v{i}")));
        Execute(new Delete("k07"));

        var restored = new KvStateMachine(new StoreLimits());
        restored.LoadSnapshot(_machine.ToSnapshot());

        Assert.Equal(_machine.Revision, restored.Revision);
        Assert.Equal(49, restored.Count);
        var original = Assert.IsType<ScanPage>(Read(_machine, new Scan("", null, 1000)));
        var copy = Assert.IsType<ScanPage>(Read(restored, new Scan("", null, 1000)));
        Assert.Equal(original.Entries.Select(e => (e.Key, e.Revision)), copy.Entries.Select(e => (e.Key, e.Revision)));
        Assert.Equal(new Written(52), Decide(restored, new Set("new", V("x"))).Reply);
    }

    [Fact]
    public void Scan_should_return_an_empty_last_page_for_a_cursor_beyond_the_prefix()
    {
        Execute(new Set("user:a", V("1")));
        var page = Assert.IsType<ScanPage>(Read(_machine, new Scan("user:", "zeta", 10)));
        Assert.Empty(page.Entries);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public void Scan_should_count_key_bytes_not_characters_against_the_budget()
    {
        var machine = new KvStateMachine(new StoreLimits(MaxValueBytes: 10));
        foreach (var key in new[] { "éééa", "éééb" }) // 7 UTF-8 bytes each, 4 characters
        {
            var d = Decide(machine, new Set(key, V("ab")));
            machine.Accept(d.Events);
            machine.ApplyEvent(d.Events[0]);
        }

        var page = Assert.IsType<ScanPage>(Read(machine, new Scan("", null, 10)));
        Assert.Single(page.Entries);
        Assert.Equal("éééa", page.NextCursor);
    }
}
