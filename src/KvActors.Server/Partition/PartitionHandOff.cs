namespace KvActors.Server.Partition;

/// <summary>
/// The partition is moving to another node (the shard region's hand-off, sent instead of a PoisonPill): its store
/// finishes the writes it has already accepted, so the next owner recovers them, and only then stops. Requests that
/// arrive meanwhile are answered Unavailable, not applied, so the caller may retry them on the new owner.
/// </summary>
public sealed class PartitionHandOff
{
    public static readonly PartitionHandOff Instance = new();

    private PartitionHandOff()
    {
    }
}
