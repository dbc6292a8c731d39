using KvActors.Server.Ownership;
using KvActors.Server.State;

namespace KvActors.Server.Partition;

/// <summary>What a <see cref="StoreActor"/> needs to know about its partition and the server it runs in.</summary>
/// <param name="MaxPendingRequests">Requests handed to the store and not yet answered before the front answers Busy.</param>
/// <param name="Fence">This process's partition ownership: a store serves only under a grant from it.</param>
/// <param name="ProgressEvery">A recovery that takes longer logs how far it got this often.</param>
public sealed record StoreSettings(int PartitionId, int SnapshotEvery, string DataDirectory, StoreLimits Limits, int MaxPendingRequests, OwnershipFence Fence,
    TimeSpan ProgressEvery)
{
    /// <summary>Journal identity of the partition; stable forever, since the journal is keyed by it.</summary>
    public string PersistenceId => $"kv-partition-{PartitionId}";
}
