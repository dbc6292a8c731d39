namespace KvActors.Protocol;

// Everything a client may send to the KvFront at /user/kv. Immutable; values are never mutated
// after construction (the server keeps the array it receives).

/// <summary>Any request the front accepts.</summary>
public interface IKvRequest;

/// <summary>A request about one key; the key decides which partition serves it.</summary>
public interface IKeyedRequest : IKvRequest
{
    string Key { get; }
}

/// <summary>A request that changes the store and is acknowledged only once durable.</summary>
public interface IWriteCommand : IKvRequest;

/// <summary>A request that reads durable state and changes nothing.</summary>
public interface IKvQuery : IKvRequest;

/// <summary>
/// Upsert. With <paramref name="ExpectedRevision"/> it is a compare-and-set: the key must currently be at that
/// revision (0 means "must not exist"). With <paramref name="ReturnPrevious"/> the reply carries the old value.
/// </summary>
public sealed record Set(
    string Key, byte[] Value, long? ExpectedRevision = null, Expiry Expiry = default, bool ReturnPrevious = false)
    : IWriteCommand, IKeyedRequest;

/// <summary>Insert only: fails with <see cref="ErrorCode.AlreadyExists"/> if the key exists.</summary>
public sealed record Create(string Key, byte[] Value, Expiry Expiry = default) : IWriteCommand, IKeyedRequest;

/// <summary>Replace only: fails with <see cref="ErrorCode.NotFound"/> if the key does not exist.</summary>
public sealed record Update(
    string Key, byte[] Value, long? ExpectedRevision = null, Expiry Expiry = default, bool ReturnPrevious = false)
    : IWriteCommand, IKeyedRequest;

/// <summary>Remove a key, optionally only if it is at <paramref name="ExpectedRevision"/>.</summary>
public sealed record Delete(string Key, long? ExpectedRevision = null, bool ReturnPrevious = false)
    : IWriteCommand, IKeyedRequest;

/// <summary>
/// Add <paramref name="Delta"/> to a key holding a decimal integer (a missing key counts as 0). Replies
/// <see cref="Found"/> with the new value as text; keeps the key's TTL.
/// </summary>
public sealed record Increment(string Key, long Delta) : IWriteCommand, IKeyedRequest;

/// <summary>Like <see cref="Increment"/> for a floating-point number.</summary>
public sealed record IncrementFloat(string Key, double Delta) : IWriteCommand, IKeyedRequest;

/// <summary>Append bytes to a key's value (a missing key counts as empty). Replies <see cref="Found"/> with the new value.</summary>
public sealed record Append(string Key, byte[] Suffix) : IWriteCommand, IKeyedRequest;

/// <summary>
/// Overwrite part of a value starting at <paramref name="Offset"/>, padding with zero bytes if it is longer than the
/// value. Replies <see cref="Found"/> with the new value.
/// </summary>
public sealed record SetRange(string Key, long Offset, byte[] Bytes) : IWriteCommand, IKeyedRequest;

/// <summary>
/// Set (<paramref name="AtUnixMs"/>) or remove (null) a key's expiry, if <paramref name="Condition"/> holds.
/// An expiry in the past deletes the key. Replies <see cref="ExpiryResult"/>, or NotFound.
/// </summary>
public sealed record SetExpiry(string Key, long? AtUnixMs, ExpiryCondition Condition = ExpiryCondition.Always)
    : IWriteCommand, IKeyedRequest;

/// <summary>
/// Move a key's value and TTL to <paramref name="NewKey"/> in one atomic change, replacing what was there unless
/// <paramref name="OnlyIfAbsent"/>.
/// </summary>
public sealed record Rename(string Key, string NewKey, bool OnlyIfAbsent = false) : IWriteCommand, IKeyedRequest;

/// <summary>Delete every key (Redis FLUSHDB).</summary>
public sealed record Clear : IWriteCommand
{
    public static readonly Clear Instance = new();
}

/// <summary>
/// Several requests applied in order as one atomic journal write; each sees the effects of the ones before it.
/// Replies <see cref="BatchResult"/> with one reply per request. With <paramref name="AllOrNothing"/>, one failing
/// request fails the whole batch (its error is the reply) and nothing is applied.
/// </summary>
public sealed record Batch(IReadOnlyList<IKvRequest> Requests, bool AllOrNothing = false) : IWriteCommand;

/// <summary>Read a key's value, revision and expiry.</summary>
public sealed record Get(string Key) : IKvQuery, IKeyedRequest;

/// <summary>Ask whether a key exists.</summary>
public sealed record Exists(string Key) : IKvQuery, IKeyedRequest;

/// <summary>
/// Keys starting with <paramref name="Prefix"/>, in ordinal order, strictly after <paramref name="After"/>
/// (the previous page's <see cref="ScanPage.NextCursor"/>), at most <paramref name="Limit"/> of them.
/// </summary>
public sealed record Scan(string Prefix, string? After = null, int Limit = Scan.DefaultLimit) : IKvQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}

/// <summary>
/// <paramref name="Query"/> (a <see cref="Get"/>, <see cref="Exists"/>, <see cref="Scan"/> or <see cref="RandomKey"/>)
/// answered by whichever replica of the partition is nearest, from what it has applied, without asking the leader:
/// in a Raft cluster it may miss the latest acknowledged writes (by the replica's lag, unbounded while it is cut off),
/// but it is never a write that was not committed, and it is answered while the partition has no leader. Elsewhere
/// (one node, the shared-journal cluster) every read is served by the partition's only store and is never stale.
/// </summary>
public sealed record StaleRead(IKvQuery Query) : IKvQuery
{
    /// <summary>Whether <paramref name="query"/> may be read stale: a key or the store's keys, not server counters.</summary>
    public static bool Allows(IKvQuery query) => query is Get or Exists or Scan or RandomKey;
}

/// <summary>Pick a live key at random (<paramref name="Seed"/> makes the choice reproducible). Replies <see cref="RandomKeyResult"/>.</summary>
public sealed record RandomKey(int Seed) : IKvQuery;

/// <summary>
/// Ask the front for the server's limits (answered by the front itself, no store involved). Replies
/// <see cref="ServerInfo"/>; a server that predates it answers <see cref="ErrorCode.UnsupportedRequest"/>.
/// </summary>
public sealed record GetServerInfo : IKvQuery
{
    public static readonly GetServerInfo Instance = new();
}

/// <summary>Ask the store for its counters (keys, revision, journal positions, uptime).</summary>
public sealed record GetStats : IKvQuery
{
    public static readonly GetStats Instance = new();
}
