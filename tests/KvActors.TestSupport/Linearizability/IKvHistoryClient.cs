namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// Runs key-value operations against a server front for a <see cref="HistoryWorker"/>. An operation either returns
/// its outcome, or throws: then its outcome is unknown and it stays indeterminate in the history.
/// </summary>
public interface IKvHistoryClient
{
    /// <summary>The operations this front can run.</summary>
    IReadOnlyList<KvOperationKind> Kinds { get; }

    Task<KvOutcome> ExecuteAsync(KvOperation operation);
}
