namespace KvActors.Replication.Replica;

/// <summary>Local, host to replica: its <see cref="Placement.ReplicaView"/>.</summary>
internal sealed class GetReplicaView
{
    public static readonly GetReplicaView Instance = new();

    private GetReplicaView()
    {
    }
}
