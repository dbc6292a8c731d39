namespace KvActors.Raft;

public enum RaftRole
{
    Follower,

    /// <summary>Asking whether it could win before it raises its term (pre-vote), so a node that cannot win never
    /// disturbs the others.</summary>
    PreCandidate,

    Candidate,
    Leader,
}
