namespace KvActors.Protocol;

/// <summary>
/// What a write does to a key's time-to-live. Expiry is an absolute time (Unix milliseconds), so it means the same
/// after a restart or on another node. The default, <see cref="Never"/>, clears any TTL, as Redis's SET does.
/// </summary>
public readonly record struct Expiry(long? AtUnixMs, bool KeepExisting)
{
    /// <summary>No expiry: the key lives until deleted (an existing TTL is removed).</summary>
    public static Expiry Never => default;

    /// <summary>Keep whatever TTL the key has (Redis KEEPTTL).</summary>
    public static Expiry Keep => new(null, true);

    public static Expiry At(long unixMs) => new(unixMs, false);
}

/// <summary>When a new expiry replaces the current one (Redis EXPIRE's NX, XX, GT, LT).</summary>
public enum ExpiryCondition
{
    Always = 0,

    /// <summary>Only if the key has no expiry.</summary>
    IfNone = 1,

    /// <summary>Only if the key has an expiry.</summary>
    IfAny = 2,

    /// <summary>Only if the new expiry is later (no expiry counts as infinitely late).</summary>
    IfLater = 3,

    /// <summary>Only if the new expiry is earlier (no expiry counts as infinitely late).</summary>
    IfEarlier = 4,
}
