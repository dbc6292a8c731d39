namespace KvActors.TestSupport.Linearizability;

public enum KvOutcomeKind
{
    /// <summary>The operation succeeded (a read found the key, a write was acknowledged).</summary>
    Ok,
    NotFound,
    RevisionMismatch,
    NotANumber,
}
