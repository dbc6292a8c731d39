using KvActors.Protocol;

namespace KvActors.Journal;

/// <summary>
/// A point-in-time copy of a partition: every key and the store revision it was taken at.
/// Entries may be in any order.
/// </summary>
public sealed record StoreSnapshot(long Revision, IReadOnlyList<KvEntry> Entries);
