namespace KvActors.TestSupport.Linearizability;

public enum LinearizabilityVerdict
{
    Linearizable,
    NotLinearizable,

    /// <summary>The search ran out of its time budget before deciding.</summary>
    Unknown,
}
