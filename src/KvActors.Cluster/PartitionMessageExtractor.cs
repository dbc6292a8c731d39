using Akka.Cluster.Sharding;
using KvActors.Protocol;

namespace KvActors.Cluster;

/// <summary>
/// One shard per partition, one entity (a PartitionHost) per shard: the partition count is fixed, so the shard is
/// the natural unit of placement and hand-off, and a partition never shares a move with another.
/// </summary>
internal sealed class PartitionMessageExtractor : IMessageExtractor
{
    // ShardRegion.StartEntity is routed by Akka itself through ShardId(entityId).
    public string? EntityId(object message) => message is PartitionEnvelope envelope ? Id(envelope.Partition) : null;

    public object? EntityMessage(object message) => message is PartitionEnvelope envelope ? envelope.Request : message;

    public string? ShardId(object message) => EntityId(message);

    public string ShardId(string entityId, object? messageHint = null) => entityId;

    public static string Id(int partition) => partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
