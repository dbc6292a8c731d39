namespace KvActors.Replication.Placement;

/// <summary>Asked of a node's <see cref="ReplicationHost"/>: what its replicas see of their groups (<see cref="PlacementView"/>).</summary>
public sealed class GetPlacementView
{
    public static readonly GetPlacementView Instance = new();

    private GetPlacementView()
    {
    }
}
