namespace KvActors.Raft.Tests.Simulation;

/// <summary>What to run: a seed decides everything else (group size, network, faults, limits).</summary>
internal sealed record SimulationOptions(int Seed)
{
    /// <summary>Steps of faults and client load before the network heals.</summary>
    public int ChaosSteps { get; init; } = 600;

    /// <summary>Steps after healing within which a leader must be elected and a write must commit everywhere.</summary>
    public int LivenessSteps { get; init; } = 400;

    internal BrokenRules Broken { get; init; }
}
