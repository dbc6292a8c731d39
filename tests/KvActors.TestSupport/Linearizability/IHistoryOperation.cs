namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// One operation of a concurrent history as the checker sees it: when a process invoked it and when its outcome
/// became known, as timestamps of one monotonic clock (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).
/// An indeterminate operation (a timeout, a crash under it) has no completion: it may have taken effect at any
/// moment after its invocation, or never; if <see cref="EffectDeadline"/> is known, only before that moment.
/// </summary>
public interface IHistoryOperation
{
    long InvokedAt { get; }

    /// <summary>When the outcome was known; null if it never was (indeterminate).</summary>
    long? CompletedAt { get; }

    /// <summary>
    /// For an indeterminate operation, a moment after which it can no longer take effect, when one is known (the
    /// server it was sent to had been killed by then). It lets the search settle the operation as "never" there.
    /// </summary>
    long? EffectDeadline { get; }
}
