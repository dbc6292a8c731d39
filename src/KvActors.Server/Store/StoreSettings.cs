using KvActors.Server.State;

namespace KvActors.Server.Store;

/// <summary>What a <see cref="StoreActor"/> needs to know about its partition and the server it runs in.</summary>
public sealed record StoreSettings(int PartitionId, int SnapshotEvery, string DataDirectory, StoreLimits Limits)
{
    /// <summary>Journal identity of the partition; stable forever, since the journal is keyed by it.</summary>
    public string PersistenceId => $"kv-partition-{PartitionId}";
}
