namespace KvActors.Raft;

/// <summary>A leader's view of one member's replication.</summary>
public sealed record PeerStatus(ulong Match, ulong Next, ProgressState State, bool IsLearner, bool RecentActive);
