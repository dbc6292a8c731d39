namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// One key-value operation of a history. <see cref="Value"/> is what Set and CompareAndSet write;
/// <see cref="Argument"/> is CompareAndSet's expected revision or Increment's delta. A null
/// <see cref="Outcome"/> (with a null <see cref="CompletedAt"/>) means indeterminate.
/// </summary>
public sealed record KvOperation(
    int Process,
    KvOperationKind Kind,
    string Key,
    string? Value,
    long Argument,
    KvOutcome? Outcome,
    long InvokedAt,
    long? CompletedAt,
    long? EffectDeadline = null) : IHistoryOperation
{
    public override string ToString()
    {
        var call = Kind switch
        {
            KvOperationKind.Set => $"set({Key}, '{Value}')",
            KvOperationKind.CompareAndSet => $"cas({Key}, expect @{Argument}, '{Value}')",
            KvOperationKind.Increment => $"incr({Key}, {Argument})",
            _ => $"{Kind.ToString().ToLowerInvariant()}({Key})",
        };
        return $"p{Process} {call} -> {(Outcome is null ? "indeterminate" : Outcome.ToString())}";
    }
}
