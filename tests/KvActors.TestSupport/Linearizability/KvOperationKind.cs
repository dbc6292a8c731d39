namespace KvActors.TestSupport.Linearizability;

public enum KvOperationKind
{
    Get,
    Set,
    Delete,

    /// <summary>Set only if the key is at the expected revision (0: only if absent).</summary>
    CompareAndSet,

    /// <summary>Add a delta to a decimal integer value (absent counts as 0).</summary>
    Increment,
}
