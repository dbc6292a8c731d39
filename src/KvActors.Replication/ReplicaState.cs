using KvActors.Raft;

namespace KvActors.Replication;

/// <summary>What one replica knows of its group, as of the moment it answered.</summary>
/// <param name="Partition">The partition replicated.</param>
/// <param name="ReplicaId">This replica's Raft id.</param>
/// <param name="Role">Leader, follower or (pre-)candidate.</param>
/// <param name="Term">Its current term.</param>
/// <param name="LeaderId">The leader it knows of, or 0.</param>
/// <param name="Commit">The highest index it knows committed.</param>
/// <param name="Applied">The highest index applied to its state machine.</param>
/// <param name="LastIndex">Its last log index, durable or not.</param>
/// <param name="DurableLastIndex">Its last log index in its journal.</param>
/// <param name="RecoveredLastIndex">The last log index it recovered from its journal when it started.</param>
/// <param name="Revision">The store revision of its applied state.</param>
public sealed record ReplicaState(
    int Partition,
    ulong ReplicaId,
    RaftRole Role,
    ulong Term,
    ulong LeaderId,
    ulong Commit,
    ulong Applied,
    ulong LastIndex,
    ulong DurableLastIndex,
    ulong RecoveredLastIndex,
    long Revision)
{
    /// <summary>The first entry of its log in memory: the ones before were compacted behind a snapshot.</summary>
    public ulong FirstIndex { get; init; }

    /// <summary>The log index of its latest snapshot in the snapshot store (or of its initial membership).</summary>
    public ulong SnapshotIndex { get; init; }

    /// <summary>Snapshots it installed from a leader since it started.</summary>
    public int SnapshotsReceived { get; init; }

    /// <summary>The group's membership as this replica has applied it.</summary>
    public ConfState Members { get; init; } = ConfState.Empty;
}
