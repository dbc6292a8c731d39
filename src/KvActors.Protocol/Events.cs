namespace KvActors.Protocol;

// Journal events. They are the store's durable history: changing their meaning breaks every existing
// data directory, so only ever add fields (see Serialization/Proto/kv.proto). Events are explicit: applying
// one needs no clock and no other input, so replay always rebuilds the same state.

/// <summary>A change recorded in the journal. <see cref="Revision"/> is the store revision it creates.</summary>
public interface IKvEvent
{
    long Revision { get; }
}

/// <summary>An event about one key.</summary>
public interface IKeyEvent : IKvEvent
{
    string Key { get; }
}

/// <summary>A key was set to a value (created or replaced), with its resulting expiry.</summary>
public sealed record KeyWritten(string Key, byte[] Value, long Revision, long? ExpiresAtUnixMs = null) : IKeyEvent;

/// <summary>A key was removed (deleted, renamed away, or expired).</summary>
public sealed record KeyDeleted(string Key, long Revision) : IKeyEvent;

/// <summary>A key's expiry was set or removed; its value did not change.</summary>
public sealed record KeyExpiryChanged(string Key, long? ExpiresAtUnixMs, long Revision) : IKeyEvent;

/// <summary>Every key was removed.</summary>
public sealed record StoreCleared(long Revision) : IKvEvent;

/// <summary>
/// The journal record of one group commit: the changes of every write that arrived while the previous record was
/// being written, in order. One row per group rather than per change is what lets many concurrent writers share a
/// journal transaction cheaply; replay applies the changes one by one.
/// <see cref="Epoch"/> is the partition ownership epoch of the store that wrote it (0: written before ownership
/// fencing existed). The journal refuses a record whose epoch is not the partition's current one, so a store that
/// lost its partition to a newer owner can never add to the history; see docs/cluster.md.
/// </summary>
public sealed record ChangeSet(IReadOnlyList<IKvEvent> Changes)
{
    public long Epoch { get; init; }
}

/// <summary>
/// A point-in-time copy of a partition: every key and the store revision it was taken at.
/// Entries may be in any order.
/// </summary>
public sealed record StoreSnapshot(long Revision, IReadOnlyList<KvEntry> Entries);

/// <summary>
/// The partition count of this data, recorded once when the data is created (journal id <c>kv-layout</c>). Keys are
/// placed by it, so a server refuses to start with another count.
/// </summary>
public sealed record PartitionLayoutRecorded(int PartitionCount);
