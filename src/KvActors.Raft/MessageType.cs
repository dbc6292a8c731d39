namespace KvActors.Raft;

public enum MessageType
{
    // Local: a node steps these into itself; they never travel.
    Hup,
    Beat,
    CheckQuorum,
    Propose,
    Unreachable,
    SnapshotStatus,

    // Between replicas.
    Append,
    AppendResponse,
    PreVote,
    PreVoteResponse,
    Vote,
    VoteResponse,
    Snapshot,
    Heartbeat,
    HeartbeatResponse,
    TransferLeader,
    TimeoutNow,
    ReadIndex,
    ReadIndexResponse,
}
