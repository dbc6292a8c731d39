namespace KvActors.Server;

/// <summary>How a cluster node keeps its partitions durable (<c>--replication</c>).</summary>
public enum ReplicationMode
{
    /// <summary>One owner per partition at a time (Cluster.Sharding), all nodes on one journal (PostgreSQL, or a
    /// shared SQLite file for development). The default in this slice.</summary>
    SharedJournal,

    /// <summary>Each partition a Raft group of replicas on the seed nodes, each replica's log on its own node's disk.</summary>
    Raft,
}
