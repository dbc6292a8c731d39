namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// The recorded reply of a key-value operation: its kind, the value read or produced (Get, Increment) and the
/// revision the reply carried, when the front reports one (the native protocol does, RESP does not).
/// </summary>
public sealed record KvOutcome(KvOutcomeKind Kind, string? Value = null, long? Revision = null)
{
    public static KvOutcome Written(long? revision = null) => new(KvOutcomeKind.Ok, null, revision);

    public static KvOutcome Found(string value, long? revision = null) => new(KvOutcomeKind.Ok, value, revision);

    public static KvOutcome NotFound { get; } = new(KvOutcomeKind.NotFound);

    public static KvOutcome Mismatch { get; } = new(KvOutcomeKind.RevisionMismatch);

    public static KvOutcome NotANumber { get; } = new(KvOutcomeKind.NotANumber);

    public override string ToString() => Kind switch
    {
        KvOutcomeKind.Ok when Value is not null => $"'{Value}'{AtRevision}",
        KvOutcomeKind.Ok => $"ok{AtRevision}",
        _ => Kind.ToString(),
    };

    private string AtRevision => Revision is { } r ? $"@{r}" : "";
}
