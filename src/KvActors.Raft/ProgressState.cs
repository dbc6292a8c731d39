namespace KvActors.Raft;

public enum ProgressState
{
    /// <summary>The leader does not know where the follower's log matches: one append per heartbeat until it does.</summary>
    Probe,

    /// <summary>The follower matches: appends are pipelined, up to the inflight caps.</summary>
    Replicate,

    /// <summary>The follower needs entries the leader compacted away: a snapshot is on its way, appends wait.</summary>
    Snapshot,
}
