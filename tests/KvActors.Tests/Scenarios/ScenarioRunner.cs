namespace KvActors.Tests.Scenarios;

/// <summary>Runs the steps of a scenario in order against a <see cref="ScenarioServer"/>, stopping at the first failure.</summary>
public static class ScenarioRunner
{
    public static void Run(Scenario scenario, ScenarioServer server)
    {
        server.Start();
        foreach (var step in scenario.Steps)
        {
            RunStep(scenario, step, server);
        }
    }

    private static void RunStep(Scenario scenario, ScenarioStep step, ScenarioServer server)
    {
        var location = $"{scenario.FileName}:{step.Line}: {step.Source}";
        try
        {
            switch (step)
            {
                case RestartStep:
                    server.Restart();
                    break;
                case RequestStep request:
                    var reply = server.Send(request.Request);
                    if (!request.Expected.Matches(reply))
                    {
                        throw new ScenarioStepFailedException(
                            $"{location}{Environment.NewLine}" +
                            $"  expected: {request.Expected.Source}{Environment.NewLine}" +
                            $"  actual:   {ReplyText.Describe(reply)}");
                    }

                    break;
            }
        }
        catch (Exception e) when (e is not ScenarioStepFailedException)
        {
            // Typically no reply within the timeout; keep the cause, but say which step it was.
            throw new ScenarioStepFailedException($"{location}{Environment.NewLine}  failed: {e.Message}", e);
        }
    }
}
