namespace KvActors.Journal;

// Journal events. They are the store's durable history: changing their meaning breaks every existing
// data directory, so only ever add fields (see Serialization/Proto/journal.proto). Events are explicit: applying
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
