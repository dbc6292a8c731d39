using KvActors.Protocol;

namespace KvActors.Server.Partition;

/// <summary>
/// Sent by a <see cref="StoreActor"/> to its parent as it stops because a newer owner holds its partition: the
/// parent must not restart it, and answers what arrives with <see cref="Error"/>.
/// </summary>
internal sealed record StoreFenced(int PartitionId)
{
    public static KvError Error(int partition) => new(ErrorCode.Unavailable,
        $"partition {partition} is now owned by another server; the request was not applied, retry");
}
