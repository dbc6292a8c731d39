namespace KvActors.Replication.Placement;

/// <summary>Local: this node leaves the cluster for good. Its host reports itself draining (<see cref="PlacementView.Draining"/>),
/// so the controller moves its replicas to other nodes, and answers <see cref="Akka.Done"/>.</summary>
public sealed class DrainNode
{
    public static readonly DrainNode Instance = new();

    private DrainNode()
    {
    }
}
