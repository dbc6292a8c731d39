namespace KvActors.Server.Ownership;

/// <summary>
/// One partition's row in the ownership table, next to the journal in the same database.
/// </summary>
/// <param name="PersistenceId">The partition's journal identity.</param>
/// <param name="Epoch">Raised by every new owner; the journal accepts only records of the current epoch.</param>
/// <param name="Owner">The process holding the epoch; null once it released the partition (a planned hand-off).</param>
/// <param name="LeaseSeq">Raised by every lease renewal, so other nodes can see whether the owner is still alive.</param>
public sealed record OwnershipRow(string PersistenceId, long Epoch, string? Owner, long LeaseSeq);
