namespace KvActors.Replication;

/// <summary>
/// Asked of <see cref="ReplicationHost"/> (and by it of each replica) when the node is about to stop: every replica
/// that leads transfers its leadership to its most up-to-date follower, so the group has a leader the moment this
/// node goes, instead of after an election timeout. Asked again until nothing here leads (a transfer takes a round
/// trip or two); the host answers with how many of its replicas still lead.
/// </summary>
public sealed class HandOffLeadership
{
    public static readonly HandOffLeadership Instance = new();

    private HandOffLeadership() { }
}

/// <summary>The host's answer to <see cref="HandOffLeadership"/>: how many replicas on this node still lead.</summary>
public sealed record LeadersRemaining(int Count);
