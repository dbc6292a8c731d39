namespace KvActors.Server.Ownership;

/// <summary>A partition taken: the epoch its journal records must carry, and until when (monotonic) it may serve.</summary>
public sealed record OwnershipGrant(string PersistenceId, long Epoch, TimeSpan LeaseUntil);
