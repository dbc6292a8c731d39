namespace KvActors.Raft.Tests.Simulation;

/// <summary>How a run ended: <see cref="Violation"/> is null when every invariant held.</summary>
internal sealed record SimulationResult(int Seed, string? Violation, string? Invariant, SimulationStats Stats)
{
    public bool Passed => Violation is null;

    public override string ToString() =>
        $"seed {Seed}: {(Passed ? "ok" : $"VIOLATION {Violation}")} ({Stats}); replay with KV_RAFT_SEED={Seed}";
}

internal sealed record SimulationStats(
    string Setup,
    long Steps,
    long MessagesSent,
    int Elections,
    int CommittedEntries,
    int Crashes,
    int Partitions,
    int ConfChanges,
    int Snapshots,
    int Writes,
    int Reads,
    long StepsToLeaderAfterHeal)
{
    public override string ToString() =>
        $"{Setup}; {Steps} steps, {MessagesSent} messages, {Elections} terms with a leader, {CommittedEntries} entries committed, " +
        $"{Crashes} crashes, {Partitions} partitions, {ConfChanges} conf changes, {Snapshots} snapshots, {Writes} writes, {Reads} reads, " +
        $"leader {StepsToLeaderAfterHeal} steps after healing";
}
