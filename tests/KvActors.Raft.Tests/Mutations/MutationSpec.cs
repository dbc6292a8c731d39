using KvActors.Raft.Tests.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Raft.Tests.Mutations;

/// <summary>
/// Proves the simulation can fail: each run breaks one rule of the protocol (a test-only switch in the core) and the
/// simulation must catch it within the seed budget CI runs for the correct core.
/// </summary>
public sealed class MutationSpec(ITestOutputHelper output)
{
    [Theory]
    [InlineData(nameof(BrokenRules.CommitOlderTermByCounting))]
    [InlineData(nameof(BrokenRules.GrantTwoVotesInOneTerm))]
    [InlineData(nameof(BrokenRules.ReplyBeforeDurable))]
    [InlineData(nameof(BrokenRules.ApplyBeforeCommit))]
    [InlineData(nameof(BrokenRules.LearnerVotes))]
    public void The_simulation_catches_a_core_that_breaks_the_rule(string rule)
    {
        var broken = Enum.Parse<BrokenRules>(rule);
        for (var seed = 1; seed <= SimulationSpec.DefaultRuns; seed++)
        {
            var result = new Simulation.Simulation(new SimulationOptions(seed) { Broken = broken }).Run();
            // Undecided is no proof: only a violated invariant counts.
            if (result.Passed || result.Invariant == "linearizability undecided") continue;
            output.WriteLine($"{rule}: caught by {result.Invariant} after {seed} seeds: {result}");
            return;
        }

        Assert.Fail($"{rule}: {SimulationSpec.DefaultRuns} seeds never noticed the broken rule");
    }
}
