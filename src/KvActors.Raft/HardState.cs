namespace KvActors.Raft;

/// <summary>What a replica must make durable before it answers for it: its term, its vote in that term, and the
/// highest index it knows to be committed.</summary>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;
}
