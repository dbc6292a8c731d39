using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Raft.Tests.Simulation;

/// <summary>
/// Seeded simulations of whole groups under faults. KV_RAFT_SEED=N replays one seed; KV_RAFT_SIM_RUNS=N runs more
/// seeds than the default.
/// </summary>
public sealed class SimulationSpec(ITestOutputHelper output)
{
    internal const int DefaultRuns = 3000;

    [Fact]
    public void Every_seed_keeps_every_safety_property_and_elects_a_leader_once_the_network_heals()
    {
        var seeds = SeedsToRun();
        var watch = Stopwatch.StartNew();
        var failures = new List<SimulationResult>();
        SimulationResult? slowest = null;
        long totalSteps = 0, totalMessages = 0, totalCommitted = 0;
        foreach (var seed in seeds)
        {
            var result = new Simulation(new SimulationOptions(seed)).Run();
            totalSteps += result.Stats.Steps;
            totalMessages += result.Stats.MessagesSent;
            totalCommitted += result.Stats.CommittedEntries;
            if (slowest is null || result.Stats.StepsToLeaderAfterHeal > slowest.Stats.StepsToLeaderAfterHeal) slowest = result;
            if (!result.Passed) failures.Add(result);
            if (seeds.Count == 1) output.WriteLine(result.ToString());
        }

        output.WriteLine($"{seeds.Count} seeds in {watch.Elapsed.TotalSeconds:F1} s: {totalSteps} steps, {totalMessages} messages, " +
                         $"{totalCommitted} entries committed; slowest election after healing: {slowest}");
        foreach (var failure in failures.Take(10)) output.WriteLine(failure.ToString());
        Assert.True(failures.Count == 0, $"{failures.Count} of {seeds.Count} seeds failed; first: {failures.FirstOrDefault()}");
    }

    internal static List<int> SeedsToRun()
    {
        if (Environment.GetEnvironmentVariable("KV_RAFT_SEED") is { Length: > 0 } one) return [int.Parse(one)];
        var runs = Environment.GetEnvironmentVariable("KV_RAFT_SIM_RUNS") is { Length: > 0 } n ? int.Parse(n) : DefaultRuns;
        return Enumerable.Range(1, runs).ToList();
    }
}
