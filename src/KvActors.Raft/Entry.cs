namespace KvActors.Raft;

/// <summary>One log entry. Entries are immutable values: the same (index, term) names the same entry everywhere.</summary>
public sealed record Entry(ulong Term, ulong Index, EntryType Type, byte[] Data)
{
    // A rough per-entry overhead so that empty entries still count against byte budgets.
    private const long Overhead = 24;

    internal long Size => Data.Length + Overhead;

    public override string ToString() => $"{Index}@{Term}{(Type == EntryType.ConfChange ? " conf" : "")} ({Data.Length} bytes)";
}
