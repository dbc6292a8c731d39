namespace KvActors.Raft;

/// <summary>A snapshot of a replica's state, for hosts (routing, promotion decisions) and tests.</summary>
public sealed record RaftStatus(
    ulong Id,
    HardState HardState,
    SoftState SoftState,
    ulong Applied,
    ulong LastIndex,
    ulong LeadTransferee,
    ConfState ConfState,
    IReadOnlyDictionary<ulong, PeerStatus> Progress);
