using System.Text;
using KvActors.Journal;
using KvActors.Protocol;
using KvActors.Server.Commit;
using KvActors.Server.State;
using Xunit;

namespace KvActors.Tests.Commit;

/// <summary>The commit pipeline on its own: a recorded log stands in for the journal, and a spec says when a record is durable.</summary>
public sealed class CommitPipelineSpec
{
    // A fixed "now": no key in these specs expires unless a spec says so.
    private const long Now = 1_700_000_000_000;

    private readonly KvStateMachine _machine = new(new StoreLimits());
    private readonly RecordedLog _log = new();
    private readonly List<(string Caller, IKvReply Reply)> _replies = [];
    private readonly CommitPipeline<string> _pipeline;

    public CommitPipelineSpec()
    {
        _pipeline = new CommitPipeline<string>(_machine, _log, (caller, reply) => _replies.Add((caller, reply)));
    }

    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);

    private IKvReply ReplyTo(string caller) => Assert.Single(_replies, r => r.Caller == caller).Reply;

    [Fact]
    public void CommitPipeline_should_answer_a_write_only_once_its_record_is_durable()
    {
        _pipeline.Submit(new Set("k", V("v")), Now, "writer");

        Assert.Single(_log.Records);
        Assert.Empty(_replies);
        Assert.IsType<KvError>(_machine.Query(new Get("k"), Now)); // reads see durable state only

        Assert.Equal(1, _pipeline.OnDurable());
        Assert.Equal(1, Assert.IsType<Written>(ReplyTo("writer")).Revision);
        Assert.IsType<Found>(_machine.Query(new Get("k"), Now));
        Assert.False(_pipeline.IsWriting);
    }

    [Fact]
    public void CommitPipeline_should_group_the_writes_decided_while_a_record_is_written_into_the_next_record()
    {
        _pipeline.Submit(new Set("a", V("1")), Now, "first");
        _pipeline.Submit(new Set("b", V("2")), Now, "second");
        _pipeline.Submit(new Set("c", V("3")), Now, "third");
        Assert.Single(_log.Records);

        _pipeline.OnDurable();
        Assert.Equal(["first"], _replies.Select(r => r.Caller));
        Assert.Equal(2, _log.Records.Count);
        Assert.Equal(["b", "c"], _log.Records[1].Cast<KeyWritten>().Select(w => w.Key));

        _pipeline.OnDurable();
        Assert.Equal(["first", "second", "third"], _replies.Select(r => r.Caller));
        Assert.Equal(3, _machine.Revision);
    }

    [Fact]
    public void CommitPipeline_should_hold_a_read_behind_a_pending_write_until_it_is_durable()
    {
        _pipeline.Submit(new Set("k", V("v")), Now, "writer");
        _pipeline.Submit(new Batch([new Get("k")]), Now, "reader");
        Assert.Empty(_replies);
        Assert.Single(_log.Records); // the read adds nothing to the journal

        _pipeline.OnDurable();
        Assert.Equal(["writer", "reader"], _replies.Select(r => r.Caller));
        var read = Assert.IsType<Found>(Assert.Single(Assert.IsType<BatchResult>(ReplyTo("reader")).Replies));
        Assert.Equal("v", Encoding.UTF8.GetString(read.Value));
    }

    [Fact]
    public void CommitPipeline_should_hold_a_rejection_caused_by_a_pending_write_until_that_write_is_durable()
    {
        _pipeline.Submit(new Create("k", V("1")), Now, "creator");
        _pipeline.Submit(new Create("k", V("2")), Now, "late");
        Assert.Empty(_replies);

        _pipeline.OnDurable();
        Assert.Equal(ErrorCode.AlreadyExists, Assert.IsType<KvError>(ReplyTo("late")).Code);
        Assert.Single(_log.Records);
    }

    [Fact]
    public void CommitPipeline_should_answer_a_write_that_changes_nothing_at_once_when_no_write_is_pending()
    {
        _pipeline.Submit(new Update("missing", V("v")), Now, "updater");

        Assert.Equal(ErrorCode.NotFound, Assert.IsType<KvError>(ReplyTo("updater")).Code);
        Assert.Empty(_log.Records);
        Assert.False(_pipeline.IsWriting);
    }

    [Fact]
    public void CommitPipeline_should_start_a_new_record_past_the_group_byte_limit()
    {
        var large = new byte[CommitPipeline<string>.MaxGroupBytes / 2 + 1];
        _pipeline.Submit(new Set("first", V("1")), Now, "first");
        _pipeline.Submit(new Set("a", large), Now, "a");
        _pipeline.Submit(new Set("b", large), Now, "b");

        _pipeline.OnDurable();
        Assert.Single(_log.Records[1]);
        _pipeline.OnDurable();
        Assert.Single(_log.Records[2]);
        _pipeline.OnDurable();
        Assert.Equal(3, _replies.Count);
    }

    [Fact]
    public void CommitPipeline_should_discard_pending_writes_when_abandoned_and_return_their_callers_unanswered()
    {
        _pipeline.Submit(new Set("in-flight", V("1")), Now, "a");
        _pipeline.Submit(new Set("waiting", V("2")), Now, "b");
        _pipeline.Submit(new Create("in-flight", V("3")), Now, "c"); // AlreadyExists, held behind the pending write

        Assert.Equal(["a", "b", "c"], _pipeline.Abandon());
        Assert.Empty(_replies);
        Assert.False(_pipeline.IsWriting);

        // As if those writes had never been decided: a new decision does not see them.
        _pipeline.Submit(new Create("in-flight", V("4")), Now, "again");
        Assert.Equal(1, Assert.Single(_log.Records[^1]).Revision);
        _pipeline.OnDurable();
        Assert.Equal(1, Assert.IsType<Written>(ReplyTo("again")).Revision);
    }

    [Fact]
    public void CommitPipeline_should_make_expirations_durable_without_answering_anyone()
    {
        _pipeline.Submit(new Set("k", V("v"), Expiry: Expiry.At(Now + 10)), Now, "writer");
        _pipeline.OnDurable();

        _pipeline.SweepExpired(Now + 20, max: 10);
        Assert.IsType<KeyDeleted>(Assert.Single(_log.Records[^1]));
        _pipeline.OnDurable();

        Assert.Single(_replies);
        Assert.Equal(0, _machine.Count);
    }

    [Fact]
    public void CommitPipeline_should_refuse_a_durable_notice_when_nothing_is_written() =>
        Assert.Throws<InvalidOperationException>(() => _pipeline.OnDurable());

    private sealed class RecordedLog : IDurableLog
    {
        public List<IReadOnlyList<IKvEvent>> Records { get; } = [];

        public void Write(IReadOnlyList<IKvEvent> changes) => Records.Add(changes);
    }
}
