using KvActors.Raft;

namespace KvActors.Replication.Replica;

/// <summary>
/// A replica's Raft storage as its journal holds it: <see cref="RaftLogWritten"/> events applied in order, the same
/// way during recovery as after each write, so what the core reads after a restart is exactly what was durable.
/// Starts as a founding member of its group (the initial membership, a snapshot at index 1) or, for a replica that
/// joins a running group (<paramref name="founders"/> null), empty until its leader's snapshot; then from the
/// replica's latest saved <see cref="ReplicaSnapshot"/>.
/// </summary>
internal sealed class ReplicaStorage(ConfState? founders)
{
    public MemoryStorage Raft { get; } = founders is null ? new() : new(founders);

    /// <summary>Starts from a saved snapshot: the events replayed after it carry on from there. Entries of those
    /// events at or below the snapshot's index are already in it and are skipped.</summary>
    public void Restore(ReplicaSnapshot snapshot)
    {
        Raft.ApplySnapshot(snapshot.Raft);
        Raft.Append(snapshot.Tail);
        Raft.SetHardState(snapshot.HardState);
    }

    public void Write(RaftLogWritten written)
    {
        if (written.Snapshot is { } snapshot) Raft.ApplySnapshot(snapshot);
        Raft.Append(written.Entries);
        Raft.SetHardState(written.HardState);
    }
}
