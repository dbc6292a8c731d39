namespace KvActors.Tests.Scenarios;

/// <summary>A step of a scenario did not get the reply it expected (or no reply at all).</summary>
public sealed class ScenarioStepFailedException(string message, Exception? inner = null) : Exception(message, inner);
