namespace KvActors.Protocol;

/// <summary>
/// The closed set of failures a request can end in. Errors travel as <see cref="KvError"/> replies,
/// never as exceptions across the wire. Numeric values are part of the wire format: never renumber.
/// </summary>
public enum ErrorCode
{
    /// <summary>The key does not exist (Get, Update, Delete).</summary>
    NotFound = 1,

    /// <summary>Create was asked for a key that already exists.</summary>
    AlreadyExists = 2,

    /// <summary>A compare-and-set found the key at a different revision than expected.</summary>
    RevisionMismatch = 3,

    /// <summary>The key is empty, too long, or not valid text.</summary>
    InvalidKey = 4,

    /// <summary>The value is larger than the server's configured limit.</summary>
    ValueTooLarge = 5,

    /// <summary>A request argument other than key or value is out of range (for example a scan limit).</summary>
    InvalidArgument = 6,

    /// <summary>The store cannot serve right now (storage failed, store restarting). Safe to retry later.</summary>
    Unavailable = 7,

    /// <summary>No reply arrived within the caller's timeout; a write's outcome is unknown.</summary>
    Timeout = 8,

    /// <summary>The server is overloaded and refused the request before doing anything. Safe to retry.</summary>
    Busy = 9,

    /// <summary>The server does not understand the request (for example a newer client message type).</summary>
    UnsupportedRequest = 10,

    /// <summary>The stored value is not a number (Increment on text, for example).</summary>
    NotANumber = 11,

    /// <summary>The result would overflow (a 64-bit integer, a float that is not finite, a value past the size limit).</summary>
    Overflow = 12,

    /// <summary>
    /// A request that must be atomic (a transaction, a rename, a multi-key set) names keys of different partitions.
    /// Give such keys a common <c>{tag}</c> to keep them in one partition.
    /// </summary>
    CrossPartition = 13,
}
