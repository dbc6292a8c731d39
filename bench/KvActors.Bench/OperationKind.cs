namespace KvActors.Bench;

/// <summary>The requests the native load generator sends.</summary>
internal enum OperationKind
{
    Get,
    Set,
}
