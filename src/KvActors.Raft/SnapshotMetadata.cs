namespace KvActors.Raft;

/// <summary>Where a snapshot ends in the log (index and term of its last entry) and the membership there.</summary>
public sealed record SnapshotMetadata(ulong Index, ulong Term, ConfState ConfState);
