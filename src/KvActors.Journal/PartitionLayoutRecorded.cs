namespace KvActors.Journal;

/// <summary>
/// The partition count of this data, recorded once when the data is created (journal id <c>kv-layout</c>). Keys are
/// placed by it, so a server refuses to start with another count.
/// </summary>
public sealed record PartitionLayoutRecorded(int PartitionCount);
