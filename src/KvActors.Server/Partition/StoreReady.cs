namespace KvActors.Server.Partition;

/// <summary>Sent by a <see cref="StoreActor"/> to its parent once it has recovered and serves requests.</summary>
internal sealed record StoreReady(int PartitionId);
