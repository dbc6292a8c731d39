namespace KvActors.Server.Ownership;

/// <summary>
/// The lease of one partition this process holds, kept current by <see cref="OwnershipFence"/>'s renewals and read
/// by the store before every answer. Thread-safe: written by the renewal loop, read by the store's thread.
/// </summary>
public sealed class OwnershipLease(long epoch, TimeSpan until)
{
    private long _untilTicks = until.Ticks;
    private volatile bool _lost;

    public long Epoch { get; } = epoch;

    /// <summary>Until when (monotonic) the holder may answer from its memory.</summary>
    public TimeSpan Until => TimeSpan.FromTicks(Interlocked.Read(ref _untilTicks));

    /// <summary>A renewal found a newer owner: the holder must stop serving the partition for good.</summary>
    public bool Lost => _lost;

    public bool IsValidAt(TimeSpan now) => !_lost && now < Until;

    internal void RenewedAt(TimeSpan until)
    {
        // Renewals may complete out of order after a stall; the lease only ever moves forward.
        long current;
        while ((current = Interlocked.Read(ref _untilTicks)) < until.Ticks &&
               Interlocked.CompareExchange(ref _untilTicks, until.Ticks, current) != current)
        {
        }
    }

    internal void Lose() => _lost = true;
}
