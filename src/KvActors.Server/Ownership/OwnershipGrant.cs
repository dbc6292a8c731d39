namespace KvActors.Server.Ownership;

/// <summary>A partition taken: the epoch its journal records must carry, and its lease, renewed in the background.</summary>
public sealed record OwnershipGrant(string PersistenceId, long Epoch, OwnershipLease Lease);
