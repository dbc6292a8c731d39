namespace KvActors.Protocol;

/// <summary>Cluster membership requests (kv cluster ...). A single-node server answers them UnsupportedRequest.</summary>
public interface IMembershipRequest : IKvRequest;

/// <summary>List the members, their state and the partitions each hosts. Replies <see cref="ClusterMembers"/>.</summary>
public sealed record GetClusterMembers : IMembershipRequest
{
    public static readonly GetClusterMembers Instance = new();
}

/// <summary>Ask a member (akka.tcp://kv@HOST:PORT) to leave gracefully: its partitions are handed off, then it exits.</summary>
public sealed record LeaveCluster(string Address) : IMembershipRequest;

/// <summary>Mark an unreachable member down, so its partitions restart elsewhere without waiting for it.</summary>
public sealed record DownClusterMember(string Address) : IMembershipRequest;

/// <summary>One member as this node sees it.</summary>
public sealed record ClusterMember(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable, IReadOnlyList<int> Partitions);

/// <summary>The membership as seen by the node that answered (the one asked, after a leave or down request).</summary>
public sealed record ClusterMembers(IReadOnlyList<ClusterMember> Members, string? Leader) : IKvReply;
