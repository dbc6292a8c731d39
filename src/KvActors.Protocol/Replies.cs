namespace KvActors.Protocol;

// Replies to requests. Exactly one reply per request; failures are KvError values.

/// <summary>Any reply the server sends.</summary>
public interface IKvReply;

/// <summary>A write was made durable; the key is now at <paramref name="Revision"/>.</summary>
public sealed record Written(long Revision) : IKvReply;

/// <summary>A key was deleted durably by the change numbered <paramref name="Revision"/>.</summary>
public sealed record Deleted(long Revision) : IKvReply;

/// <summary>The value of a key and the revision of its last change.</summary>
public sealed record Found(byte[] Value, long Revision) : IKvReply;

/// <summary>Whether a key exists; <paramref name="Revision"/> is its last change, or 0 when absent.</summary>
public sealed record ExistsResult(bool Exists, long Revision) : IKvReply;

/// <summary>One key of a scan page.</summary>
public sealed record KvEntry(string Key, byte[] Value, long Revision);

/// <summary>
/// One page of a scan. <paramref name="NextCursor"/> is null on the last page; otherwise pass it as
/// <see cref="Scan.After"/> to continue. <paramref name="StoreRevision"/> is the store revision the page was read at.
/// </summary>
public sealed record ScanPage(IReadOnlyList<KvEntry> Entries, string? NextCursor, long StoreRevision) : IKvReply;

/// <summary>Counters of one store partition.</summary>
public sealed record StoreStats(
    long Keys,
    long Revision,
    long JournalSequenceNr,
    long SnapshotSequenceNr,
    string DataDirectory,
    TimeSpan Uptime) : IKvReply;

/// <summary>A request failed; nothing was changed unless <see cref="ErrorCode.Timeout"/> (outcome unknown).</summary>
public sealed record KvError(ErrorCode Code, string Message) : IKvReply;
