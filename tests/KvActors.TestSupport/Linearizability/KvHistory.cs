using System.Diagnostics;

namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// Records a concurrent key-value history, thread-safe, on the monotonic <see cref="Stopwatch"/> clock. A process
/// calls <see cref="Invoke"/> right before sending a request and <see cref="Pending.Complete"/> as soon as the reply
/// is in; an operation never completed (its reply never came, or its outcome is unknown) stays indeterminate.
/// </summary>
public sealed class KvHistory
{
    private readonly List<Pending> _operations = [];

    public int Count
    {
        get
        {
            lock (_operations) return _operations.Count;
        }
    }

    public Pending Invoke(int process, KvOperationKind kind, string key, string? value = null, long argument = 0)
    {
        var pending = new Pending(new KvOperation(process, kind, key, value, argument, null, Stopwatch.GetTimestamp(), null));
        lock (_operations) _operations.Add(pending);
        return pending;
    }

    /// <summary>Everything recorded so far; operations without an outcome are indeterminate.</summary>
    public IReadOnlyList<KvOperation> Operations()
    {
        lock (_operations) return _operations.Select(p => p.Operation).ToList();
    }

    public int Indeterminate()
    {
        lock (_operations) return _operations.Count(p => p.Operation.CompletedAt is null);
    }

    /// <summary>
    /// The server all pending operations were sent to is dead (killed, and its clients gave up): whatever they did,
    /// they did before now. Call it once nothing more can complete.
    /// </summary>
    public void ServerDied()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_operations)
        {
            foreach (var pending in _operations) pending.Settle(now);
        }
    }

    /// <summary>An invoked operation, waiting for its outcome.</summary>
    public sealed class Pending
    {
        private KvOperation _operation;

        internal Pending(KvOperation invoked)
        {
            Invoked = invoked;
            _operation = invoked;
        }

        public KvOperation Invoked { get; }

        public KvOperation Operation => Volatile.Read(ref _operation);

        public void Complete(KvOutcome outcome) =>
            Volatile.Write(ref _operation, Invoked with { Outcome = outcome, CompletedAt = Stopwatch.GetTimestamp() });

        internal void Settle(long deadline)
        {
            if (Operation is { CompletedAt: null, EffectDeadline: null } open) Volatile.Write(ref _operation, open with { EffectDeadline = deadline });
        }
    }
}
