using KvActors.Raft;

namespace KvActors.Replication.Replica;

/// <summary>
/// A replica's Raft storage as its journal holds it: <see cref="RaftLogWritten"/> events applied in order, the same
/// way during recovery as after each write, so what the core reads after a restart is exactly what was durable.
/// Starts as a founding member of its group (the initial membership, a snapshot at index 1).
/// </summary>
internal sealed class ReplicaStorage(ConfState founders)
{
    public MemoryStorage Raft { get; } = new(founders);

    public void Write(RaftLogWritten written)
    {
        if (written.Snapshot is { } snapshot) Raft.ApplySnapshot(snapshot);
        Raft.Append(written.Entries);
        Raft.SetHardState(written.HardState);
    }
}
