using KvActors.Raft;

namespace KvActors.Replication.Replica;

/// <summary>
/// One replica's durable write for one <see cref="Ready"/>: the journal event that makes its Raft log and hard state
/// survive a crash. <see cref="Entries"/> replace the stored log from the first one's index on, so a suffix a new
/// leader overwrote (a truncation on conflict) is recorded by the very event that overwrites it, and replaying the
/// events in order rebuilds exactly the log that was durable. <see cref="HardState"/> is the replica's whole hard
/// state when it wrote. <see cref="Snapshot"/>, if any, came from the leader and replaces everything before it.
/// </summary>
public sealed record RaftLogWritten(IReadOnlyList<Entry> Entries, HardState HardState, Snapshot? Snapshot = null);
