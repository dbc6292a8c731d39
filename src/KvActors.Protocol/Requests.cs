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
public interface IWriteCommand : IKeyedRequest;

/// <summary>A request that reads durable state and changes nothing.</summary>
public interface IKvQuery : IKvRequest;

/// <summary>
/// Upsert. With <paramref name="ExpectedRevision"/> it is a compare-and-set: the key must currently be at that
/// revision (0 means "must not exist").
/// </summary>
public sealed record Set(string Key, byte[] Value, long? ExpectedRevision = null) : IWriteCommand;

/// <summary>Insert only: fails with <see cref="ErrorCode.AlreadyExists"/> if the key exists.</summary>
public sealed record Create(string Key, byte[] Value) : IWriteCommand;

/// <summary>Replace only: fails with <see cref="ErrorCode.NotFound"/> if the key does not exist.</summary>
public sealed record Update(string Key, byte[] Value, long? ExpectedRevision = null) : IWriteCommand;

/// <summary>Remove a key, optionally only if it is at <paramref name="ExpectedRevision"/>.</summary>
public sealed record Delete(string Key, long? ExpectedRevision = null) : IWriteCommand;

/// <summary>Read a key's value and revision.</summary>
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

/// <summary>Ask the store for its counters (keys, revision, journal positions, uptime).</summary>
public sealed record GetStats : IKvQuery
{
    public static readonly GetStats Instance = new();
}
