using KvActors.Protocol;

namespace KvActors.Tests.Scenarios;

/// <summary>One line of a scenario that does something. <paramref name="Source"/> is the line as written.</summary>
public abstract record ScenarioStep(int Line, string Source);

/// <summary>Send <paramref name="Request"/> to the front and compare the reply with <paramref name="Expected"/>.</summary>
public sealed record RequestStep(int Line, string Source, IKvRequest Request, Expectation Expected) : ScenarioStep(Line, Source);

/// <summary>Stop the front and its store, then start them again so the store recovers from its journal.</summary>
public sealed record RestartStep(int Line, string Source) : ScenarioStep(Line, Source);
