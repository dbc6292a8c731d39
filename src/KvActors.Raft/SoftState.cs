namespace KvActors.Raft;

/// <summary>Volatile state the host may want to watch (who leads, what this node is); never persisted.</summary>
public readonly record struct SoftState(ulong Lead, RaftRole Role);
