using KvActors.TestSupport.Linearizability;

namespace KvActors.Raft.Tests.Simulation;

/// <summary>A client operation of a simulated run, timed in simulated steps: a write of a unique value to a key, or
/// a ReadIndex read of a key. A write whose outcome the client never learned is indeterminate.</summary>
internal sealed class SimOperation(int id, bool isWrite, string key, string? value, long invokedAt) : IHistoryOperation
{
    public int Id { get; } = id;

    public bool IsWrite { get; } = isWrite;

    public string Key { get; } = key;

    /// <summary>A write's value; a read's observed value (null: absent) once it completed.</summary>
    public string? Value { get; set; } = value;

    public long InvokedAt { get; } = invokedAt;

    public long? CompletedAt { get; set; }

    public long? EffectDeadline => null;

    public override string ToString() =>
        IsWrite ? $"#{Id} write {Key}={Value}" : $"#{Id} read {Key} -> {Value ?? "absent"}";
}
