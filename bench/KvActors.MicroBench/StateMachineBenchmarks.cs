using BenchmarkDotNet.Attributes;
using KvActors.Protocol;
using KvActors.Server.State;

namespace KvActors.MicroBench;

/// <summary>
/// What the store actor does for each Set, minus the journal: decide, accept the events as pending, and apply them
/// once durable. The store already holds every key, so each Set replaces a value, as in a steady-state workload.
/// </summary>
[MemoryDiagnoser]
public class StateMachineBenchmarks
{
    private const int Keys = 100_000;

    // The state machine takes time as an argument; a fixed instant keeps runs identical.
    private const long NowUnixMs = 1_767_225_600_000;

    private KvStateMachine _machine = null!;
    private Set[] _commands = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _machine = new KvStateMachine(new StoreLimits());
        var value = new byte[100];
        _commands = Enumerable.Range(0, Keys).Select(i => new Set($"key:{i:D8}", value)).ToArray();
        foreach (var command in _commands) DecideAndApply(command);
    }

    [Benchmark(Description = "KvStateMachine: Decide + Accept + ApplyEvent of a Set")]
    public IKvReply SetExistingKey()
    {
        var command = _commands[_next];
        _next = (_next + 1) % Keys;
        return DecideAndApply(command);
    }

    private IKvReply DecideAndApply(Set command)
    {
        var decision = _machine.Decide(command, NowUnixMs);
        _machine.Accept(decision.Events);
        foreach (var e in decision.Events) _machine.ApplyEvent(e);
        return decision.Reply;
    }
}
