namespace KvActors.Protocol;

// Journal events. They are the store's durable history: changing their meaning breaks every existing
// data directory, so only ever add fields (see Serialization/Proto/kv.proto).

/// <summary>A change recorded in the journal. <see cref="Revision"/> is the store revision it creates.</summary>
public interface IKvEvent
{
    string Key { get; }
    long Revision { get; }
}

/// <summary>A key was set to a value (created or replaced).</summary>
public sealed record KeyWritten(string Key, byte[] Value, long Revision) : IKvEvent;

/// <summary>A key was removed.</summary>
public sealed record KeyDeleted(string Key, long Revision) : IKvEvent;

/// <summary>
/// A point-in-time copy of a partition: every key and the store revision it was taken at.
/// Entries may be in any order.
/// </summary>
public sealed record StoreSnapshot(long Revision, IReadOnlyList<KvEntry> Entries);
