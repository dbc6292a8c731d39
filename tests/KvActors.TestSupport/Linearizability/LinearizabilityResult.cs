namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// What the checker decided. When a partition is not linearizable, <see cref="Explanation"/> shows its operations
/// in invocation order, the longest order of them the search could justify, and the operations it could not place.
/// </summary>
public sealed record LinearizabilityResult(LinearizabilityVerdict Verdict, int Partitions, int Operations, string Explanation)
{
    public bool IsLinearizable => Verdict == LinearizabilityVerdict.Linearizable;

    public override string ToString() => $"{Verdict} ({Operations} operations in {Partitions} partitions){(Explanation.Length > 0 ? "\n" + Explanation : "")}";
}
