using KvActors.Raft;

namespace KvActors.Replication.Replica;

/// <summary>
/// A replica's whole durable state as of one journal sequence number, saved to the snapshot store so that the journal
/// events up to it can be deleted: the Raft snapshot (<see cref="Snapshot.Data"/> is the applied
/// <see cref="KvActors.Journal.StoreSnapshot"/> at <see cref="SnapshotMetadata.Index"/>, with its term and membership),
/// the hard state, and <see cref="Tail"/>, the durable entries after the snapshot's index. The tail is why every event
/// up to the sequence number can go: entries written but not yet applied (acknowledged to a leader, perhaps counted
/// in a commit) live on in the snapshot rather than in events that would have to be kept.
/// </summary>
public sealed record ReplicaSnapshot(Snapshot Raft, HardState HardState, IReadOnlyList<Entry> Tail);
