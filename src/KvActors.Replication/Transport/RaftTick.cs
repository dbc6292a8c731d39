namespace KvActors.Replication.Transport;

/// <summary>One tick of the node's timer, which the host passes to every replica it hosts.</summary>
internal sealed class RaftTick
{
    public static readonly RaftTick Instance = new();

    private RaftTick()
    {
    }
}
