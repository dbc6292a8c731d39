namespace KvActors.Tests.Scenarios;

/// <summary>A scenario file is malformed; the message starts with <c>file:line:</c>.</summary>
public sealed class ScenarioParseException(string fileName, int line, string reason)
    : Exception($"{fileName}:{line}: {reason}")
{
    public string FileName { get; } = fileName;

    public int Line { get; } = line;
}
