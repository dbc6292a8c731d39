using KvActors.Protocol;

namespace KvActors.Tests.Scenarios;

/// <summary>
/// The reply a step expects. <see cref="Source"/> is the expectation as written in the file, shown next to the
/// actual reply (rendered by <see cref="ReplyText"/> in the same notation) when they differ.
/// </summary>
public abstract record Expectation(string Source)
{
    public abstract bool Matches(IKvReply reply);
}

/// <summary><c>written N</c></summary>
public sealed record ExpectWritten(string Source, long Revision) : Expectation(Source)
{
    public override bool Matches(IKvReply reply) => reply is Written w && w.Revision == Revision;
}

/// <summary><c>deleted N</c></summary>
public sealed record ExpectDeleted(string Source, long Revision) : Expectation(Source)
{
    public override bool Matches(IKvReply reply) => reply is Deleted d && d.Revision == Revision;
}

/// <summary><c>found VALUE N</c></summary>
public sealed record ExpectFound(string Source, byte[] Value, long Revision) : Expectation(Source)
{
    public override bool Matches(IKvReply reply) => reply is Found f && f.Revision == Revision && f.Value.AsSpan().SequenceEqual(Value);
}

/// <summary><c>exists true N</c> or <c>exists false</c> (revision 0).</summary>
public sealed record ExpectExists(string Source, bool Exists, long Revision) : Expectation(Source)
{
    public override bool Matches(IKvReply reply) => reply is ExistsResult e && e.Exists == Exists && e.Revision == Revision;
}

/// <summary>One <c>KEY@N</c> or <c>KEY@N=VALUE</c> of a page expectation; without a value only key and revision are checked.</summary>
public sealed record ExpectedEntry(string Key, long Revision, byte[]? Value)
{
    public bool Matches(KvEntry entry) =>
        entry.Key == Key && entry.Revision == Revision && (Value is null || entry.Value.AsSpan().SequenceEqual(Value));
}

/// <summary>
/// <c>page ENTRY... [next=KEY] [revision=N]</c>. Entries must match exactly and in order; no <c>next=</c> means
/// this must be the last page; the store revision is checked only when given.
/// </summary>
public sealed record ExpectPage(string Source, IReadOnlyList<ExpectedEntry> Entries, string? NextCursor, long? StoreRevision)
    : Expectation(Source)
{
    public override bool Matches(IKvReply reply) =>
        reply is ScanPage page &&
        page.Entries.Count == Entries.Count &&
        Entries.Select((expected, i) => expected.Matches(page.Entries[i])).All(match => match) &&
        page.NextCursor == NextCursor &&
        (StoreRevision is null || page.StoreRevision == StoreRevision);
}

/// <summary><c>stats [keys=N] [revision=N] [journal=N]</c>: only the counters given are checked.</summary>
public sealed record ExpectStats(string Source, long? Keys, long? Revision, long? JournalSequenceNr) : Expectation(Source)
{
    public override bool Matches(IKvReply reply) =>
        reply is StoreStats s &&
        (Keys is null || s.Keys == Keys) &&
        (Revision is null || s.Revision == Revision) &&
        (JournalSequenceNr is null || s.JournalSequenceNr == JournalSequenceNr);
}

/// <summary><c>error CODE ["TEXT"]</c>: the code must match, and the message must contain TEXT when given.</summary>
public sealed record ExpectError(string Source, ErrorCode Code, string? MessageContains) : Expectation(Source)
{
    public override bool Matches(IKvReply reply) =>
        reply is KvError e && e.Code == Code &&
        (MessageContains is null || e.Message.Contains(MessageContains, StringComparison.Ordinal));
}
