namespace KvActors.Protocol;

// Replies to requests. Exactly one reply per request; failures are KvError values.

/// <summary>Any reply the server sends.</summary>
public interface IKvReply;

/// <summary>
/// A write was made durable; the key is now at <paramref name="Revision"/>. <paramref name="Previous"/> is the old
/// value when the request asked for it (null if the key did not exist).
/// </summary>
public sealed record Written(long Revision, byte[]? Previous = null) : IKvReply;

/// <summary>A key (or, for Clear, every key) was deleted durably by the change numbered <paramref name="Revision"/>.</summary>
public sealed record Deleted(long Revision, byte[]? Previous = null) : IKvReply;

/// <summary>A key's value, the revision of its last change, and its expiry (Unix ms) if it has one.</summary>
public sealed record Found(byte[] Value, long Revision, long? ExpiresAtUnixMs = null) : IKvReply;

/// <summary>Whether a key exists; <paramref name="Revision"/> is its last change, or 0 when absent.</summary>
public sealed record ExistsResult(bool Exists, long Revision) : IKvReply;

/// <summary>Whether a <see cref="SetExpiry"/> changed anything (false when its condition did not hold).</summary>
public sealed record ExpiryResult(bool Applied, long Revision) : IKvReply;

/// <summary>A random live key, or null if the store is empty.</summary>
public sealed record RandomKeyResult(string? Key) : IKvReply;

/// <summary>The replies to a <see cref="Batch"/>, in request order.</summary>
public sealed record BatchResult(IReadOnlyList<IKvReply> Replies) : IKvReply;

/// <summary>One key of a scan page or a snapshot.</summary>
public sealed record KvEntry(string Key, byte[] Value, long Revision, long? ExpiresAtUnixMs = null);

/// <summary>
/// One page of a scan. <paramref name="NextCursor"/> is null on the last page; otherwise pass it as
/// <see cref="Scan.After"/> to continue. <paramref name="StoreRevision"/> is the store revision the page was read at.
/// </summary>
public sealed record ScanPage(IReadOnlyList<KvEntry> Entries, string? NextCursor, long StoreRevision) : IKvReply;

/// <summary>
/// Counters of the store (summed over its partitions). <paramref name="Keys"/> may include expired keys not yet
/// swept. The front that answers adds what it knows about itself: its <see cref="Node"/>, the partitions it hosts
/// (<see cref="Recoveries"/>) and, on a cluster node, the membership (<see cref="Cluster"/>).
/// </summary>
public sealed record StoreStats(
    long Keys,
    long Revision,
    long JournalSequenceNr,
    long SnapshotSequenceNr,
    string DataDirectory,
    TimeSpan Uptime,
    int Partitions = 1) : IKvReply
{
    /// <summary>The answering node's address (akka.tcp://kv@HOST:PORT); empty from a server that predates it.</summary>
    public string Node { get; init; } = "";

    /// <summary>The partitions hosted on the answering node and how each last recovered, by partition number.</summary>
    public IReadOnlyList<PartitionRecovery> Recoveries { get; init; } = [];

    /// <summary>The membership as the answering node sees it; null on a single node.</summary>
    public ClusterMembers? Cluster { get; init; }

    /// <summary>In a Raft cluster, every partition's replicas as the answering node gathered them; null otherwise.</summary>
    public PartitionReplicas? Replication { get; init; }
}

/// <summary>
/// How a partition's store last started on <paramref name="Node"/>: when, and how long it took to recover its state
/// from the journal (snapshot and events) until it served requests.
/// </summary>
public sealed record PartitionRecovery(int Partition, string Node, DateTimeOffset StartedAt, TimeSpan Duration);

/// <summary>The server's limits, so a client sizes and checks its requests by them rather than by its own guess.</summary>
/// <param name="MaxValueBytes">The largest value the server accepts (its <c>max-value-bytes</c>).</param>
public sealed record ServerInfo(int MaxValueBytes) : IKvReply;

/// <summary>A request failed; nothing was changed unless <see cref="ErrorCode.Timeout"/> (outcome unknown).</summary>
public sealed record KvError(ErrorCode Code, string Message) : IKvReply
{
    /// <summary>
    /// Start of the <see cref="ErrorCode.Unavailable"/> message a server answers while it starts (before its front
    /// is up, or while a partition loads its data from the journal): the request was not applied, and retrying
    /// shortly succeeds. A stable part of the wire protocol (docs/client.md), which clients match to retry.
    /// </summary>
    public const string StartingPrefix = "starting: ";

    /// <summary>The answer to a request that arrives while the server starts; <paramref name="what"/> says what it waits for.</summary>
    public static KvError Starting(string what) =>
        new(ErrorCode.Unavailable, $"{StartingPrefix}{what}; the request was not applied, retry");

    /// <summary>Whether this is the transient "server is starting" answer (<see cref="StartingPrefix"/>).</summary>
    public bool IsStarting => Code == ErrorCode.Unavailable && Message.StartsWith(StartingPrefix, StringComparison.Ordinal);
}
