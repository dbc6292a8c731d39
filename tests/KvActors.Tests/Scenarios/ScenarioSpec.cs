using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Scenarios;

/// <summary>
/// Runs every tests/scenarios/*.kvs file against a real front and store (one fresh server and data directory per
/// file), each file as its own test case. See tests/scenarios/README.md for the format.
/// </summary>
public sealed class ScenarioSpec(ITestOutputHelper output)
{
    private static readonly string ScenarioDirectory = Path.Combine(AppContext.BaseDirectory, "scenarios");

    public static TheoryData<string> ScenarioFiles => new(
        Directory.GetFiles(ScenarioDirectory, "*.kvs").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(ScenarioFiles))]
    public void Scenario_file_should_pass(string fileName)
    {
        var scenario = ScenarioParser.ParseFile(Path.Combine(ScenarioDirectory, fileName));
        Run(scenario);
    }

    [Fact]
    public void Failing_step_should_name_file_line_expected_and_actual()
    {
        var scenario = ScenarioParser.Parse("inline.kvs", """
            set a hello => written 1
            # the revision is right, the value is not
            get a       => found bye 1
            """);

        var failure = Assert.Throws<ScenarioStepFailedException>(() => Run(scenario));

        Assert.Equal(
            $"inline.kvs:3: get a       => found bye 1{Environment.NewLine}" +
            $"  expected: found bye 1{Environment.NewLine}" +
            "  actual:   found hello 1",
            failure.Message);
    }

    private void Run(Scenario scenario)
    {
        using var server = new ScenarioServer(output, scenario.ToServerSettings());
        ScenarioRunner.Run(scenario, server);
    }
}
