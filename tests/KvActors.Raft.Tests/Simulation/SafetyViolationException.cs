namespace KvActors.Raft.Tests.Simulation;

/// <summary>An invariant of the protocol does not hold: the run stops at once and reports its seed.</summary>
internal sealed class SafetyViolationException(string invariant, string detail) : Exception($"{invariant}: {detail}")
{
    public string Invariant { get; } = invariant;
}
