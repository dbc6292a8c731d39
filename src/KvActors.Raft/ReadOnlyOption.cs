namespace KvActors.Raft;

public enum ReadOnlyOption
{
    /// <summary>The leader confirms it still leads with a heartbeat round before answering a ReadIndex.</summary>
    Safe,

    /// <summary>The leader answers from its check-quorum lease without a round trip. Correct only if clocks drift
    /// by less than the lease margin (an election timeout's worth of ticks); needs <see cref="RaftConfig.CheckQuorum"/>.</summary>
    LeaseBased,
}
