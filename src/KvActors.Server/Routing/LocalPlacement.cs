using Akka.Actor;
using KvActors.Server.Partition;
using KvActors.Server.Partitioning;

namespace KvActors.Server.Routing;

/// <summary>Single-node mode: every partition runs on this node, one <see cref="PartitionHost"/> each under the front.</summary>
public sealed class LocalPlacement : IPartitionPlacement
{
    public static readonly LocalPlacement Instance = new();

    private LocalPlacement()
    {
    }

    public PlacedPartitions Place(ActorSystem system, StoreSettings store, PartitionMap map) =>
        new(front => LocalPartitions.StartHosts(front, store, map.Count), HostedHere: map.Count);
}
