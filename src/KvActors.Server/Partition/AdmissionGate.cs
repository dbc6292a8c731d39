namespace KvActors.Server.Partition;

/// <summary>
/// Bounds the requests a store has been handed but not yet answered (in its mailbox, being decided, or waiting for
/// their journal record). The front enters before forwarding and answers <c>Busy</c> when the gate is full; the
/// store leaves as it replies. A saturated store thus sheds load at once with a clear error instead of queueing
/// without bound until every caller times out. Shared by reference between the two actors of one process, so a
/// plain atomic counter is enough; each store incarnation gets a fresh gate, because a stopped store's mailbox is
/// dropped without replies.
/// </summary>
public sealed class AdmissionGate(int limit)
{
    private int _pending;

    /// <summary>A gate that never refuses, for a store hosted without a front.</summary>
    public static AdmissionGate Unbounded => new(int.MaxValue);

    public int Limit { get; } = limit;

    public int Pending => Volatile.Read(ref _pending);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _pending) <= Limit) return true;
        Interlocked.Decrement(ref _pending);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref _pending);
}
