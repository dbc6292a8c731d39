namespace KvActors.Client;

/// <summary>How fresh a <see cref="KvClient"/>'s reads must be (<see cref="KvClientOptions.Reads"/>).</summary>
public enum ReadConsistency
{
    /// <summary>Every read sees every write acknowledged before it began (a Raft leader confirms it still leads).</summary>
    Linearizable,

    /// <summary>
    /// In a Raft cluster, the nearest replica answers from what it has applied: faster, and served while a partition
    /// elects a leader or a node is cut off, but it may miss recently acknowledged writes, and two reads through
    /// different nodes may go back in time. Never a write that was not committed. Elsewhere the same as linearizable.
    /// </summary>
    Stale,
}
