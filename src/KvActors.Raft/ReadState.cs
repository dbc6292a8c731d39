namespace KvActors.Raft;

/// <summary>A completed ReadIndex request: once the host has applied up to <see cref="Index"/>, reading its state
/// machine is linearizable for the request named by <see cref="Context"/>.</summary>
public sealed record ReadState(ulong Index, byte[] Context);
