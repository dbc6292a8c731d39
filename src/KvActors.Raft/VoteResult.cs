namespace KvActors.Raft;

internal enum VoteResult
{
    Pending,
    Won,
    Lost,
}
