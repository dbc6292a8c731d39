using KvActors.Protocol;

namespace KvActors.Server.Partitioning;

/// <summary>
/// Which partition owns a key: the key's <see cref="KeySlot"/>, with the 16384 slots split into
/// <see cref="Count"/> contiguous ranges (partition p owns slots [p·16384/Count, (p+1)·16384/Count)). The count is
/// fixed when the data is created (see <see cref="PartitionLayoutKeeper"/>), because changing it would move keys.
/// </summary>
public sealed record PartitionMap
{
    public const int MaxPartitions = KeySlot.Count;

    public PartitionMap(int count)
    {
        if (count is < 1 or > MaxPartitions)
            throw new ArgumentOutOfRangeException(nameof(count), $"partitions must be 1..{MaxPartitions}, got {count}");
        Count = count;
    }

    public int Count { get; }

    public int PartitionOf(string key) => Count == 1 ? 0 : PartitionOfSlot(KeySlot.Of(key));

    public int PartitionOfSlot(int slot) => (int)((long)slot * Count / KeySlot.Count);
}
