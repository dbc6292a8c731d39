using KvActors.Server;

namespace KvActors.Tests.Scenarios;

/// <summary>A parsed scenario file: server settings from its <c>@</c> directives and the steps to run in order.</summary>
public sealed record Scenario(string FileName, int? SnapshotEvery, int? MaxValueBytes, IReadOnlyList<ScenarioStep> Steps)
{
    /// <summary>Server defaults, except what the file's directives set.</summary>
    public ServerSettings ToServerSettings()
    {
        var defaults = new ServerSettings();
        return defaults with
        {
            SnapshotEvery = SnapshotEvery ?? defaults.SnapshotEvery,
            MaxValueBytes = MaxValueBytes ?? defaults.MaxValueBytes,
        };
    }
}
