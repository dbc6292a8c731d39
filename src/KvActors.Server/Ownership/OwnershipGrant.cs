namespace KvActors.Server.Ownership;

/// <summary>
/// A partition taken: the epoch its journal records must carry, its lease (renewed in the background), and the
/// highest sequence number its journal held when it was taken. No one else can write the journal after the takeover,
/// so that is where the new owner's recovery ends.
/// </summary>
public sealed record OwnershipGrant(string PersistenceId, long Epoch, OwnershipLease Lease, long JournalEnd);
