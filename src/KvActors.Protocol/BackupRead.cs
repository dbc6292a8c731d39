namespace KvActors.Protocol;

/// <summary>
/// Reads one partition's durable state for a backup, a page at a time, every page at the same revision while writes
/// go on. The first request (<paramref name="Session"/> 0) makes the partition freeze its committed state (never a
/// write that is not yet durable) and open a session; later requests name the session and the
/// <see cref="BackupPage.NextPosition"/> of the page before. A session is dropped after its last page, after a
/// minute without requests, or when the partition restarts or moves; a request for a dropped session is refused
/// with <see cref="ErrorCode.Unavailable"/> (<see cref="SessionGonePrefix"/>), and the partition is read again from
/// the start. Replies <see cref="BackupPage"/>.
/// </summary>
public sealed record ReadBackup(int Partition, long Session = 0, long Position = 0) : IKvQuery
{
    /// <summary>Start of the refusal for a session the partition no longer holds (a stable part of the protocol).</summary>
    public const string SessionGonePrefix = "backup session gone: ";
}

/// <summary>
/// One page of a partition's backup: the partition's state at <paramref name="Revision"/>, which is the same on every
/// page of a session. <paramref name="TotalKeys"/> is the number of keys in the frozen state (expired keys not yet
/// swept included, with their expiry); <paramref name="NextPosition"/> is null on the last page.
/// </summary>
public sealed record BackupPage(
    int Partition, long Session, long Revision, long TotalKeys, IReadOnlyList<KvEntry> Entries, long? NextPosition) : IKvReply;
