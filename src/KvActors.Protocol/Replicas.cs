namespace KvActors.Protocol;

/// <summary>
/// Ask a Raft cluster for every partition's replicas: where each lives, which leads, and how far each has got
/// (<c>kv cluster partitions</c>). Replies <see cref="PartitionReplicas"/>; other modes answer UnsupportedRequest.
/// </summary>
public sealed record GetPartitionReplicas : IKvQuery
{
    public static readonly GetPartitionReplicas Instance = new();
}

/// <summary>Asked of one replica (inside a <see cref="PartitionEnvelope"/>) by a node gathering
/// <see cref="PartitionReplicas"/>. Replies <see cref="ReplicaStatus"/>.</summary>
public sealed record GetReplicaStatus : IKvRequest
{
    public static readonly GetReplicaStatus Instance = new();
}

/// <summary>One replica as it saw itself when asked.</summary>
/// <param name="Partition">The partition it replicates.</param>
/// <param name="Node">The node it lives on (akka.tcp://kv@HOST:PORT).</param>
/// <param name="ReplicaId">Its Raft id in the group.</param>
/// <param name="Role">leader, follower, candidate, pre-candidate; learner (catching up before it may vote), joining
/// (not yet in its group); "unreachable" if it did not answer.</param>
/// <param name="Term">Its current term.</param>
/// <param name="LeaderId">The replica it knows as leader, 0 if none.</param>
/// <param name="Commit">The highest log index it knows committed.</param>
/// <param name="Applied">The highest log index applied to its state.</param>
/// <param name="LastIndex">Its last log index.</param>
public sealed record ReplicaStatus(
    int Partition, string Node, long ReplicaId, string Role, long Term, long LeaderId, long Commit, long Applied, long LastIndex) : IKvReply
{
    public const string Leader = "leader";
    public const string Unreachable = "unreachable";
    public const string Learner = "learner";
    public const string Joining = "joining";

    public static ReplicaStatus NotAnswered(int partition, string node, long replicaId) => new(partition, node, replicaId, Unreachable, 0, 0, 0, 0, 0);
}

/// <summary>Every replica of every partition, as gathered by the node asked.</summary>
public sealed record PartitionReplicas(IReadOnlyList<ReplicaStatus> Replicas) : IKvReply
{
    /// <summary>The replicas of each partition in partition order, each with its leader (the one in the highest term
    /// that says it leads), or null during an election.</summary>
    public IEnumerable<(int Partition, ReplicaStatus? Leader, IReadOnlyList<ReplicaStatus> Replicas)> ByPartition() =>
        Replicas.GroupBy(r => r.Partition).OrderBy(g => g.Key).Select(g => (g.Key,
            g.Where(r => r.Role == ReplicaStatus.Leader).MaxBy(r => r.Term),
            (IReadOnlyList<ReplicaStatus>)g.OrderBy(r => r.ReplicaId).ToArray()));
}
