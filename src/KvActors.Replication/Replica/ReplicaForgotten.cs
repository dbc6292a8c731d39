namespace KvActors.Replication.Replica;

/// <summary>Local, host to a removed replica: its removal is recorded (<see cref="Placement.HostedReplicas"/>), so it
/// may now delete its journal and stop.</summary>
internal sealed class ReplicaForgotten
{
    public static readonly ReplicaForgotten Instance = new();

    private ReplicaForgotten()
    {
    }
}
