namespace KvActors.Server.Ownership;

/// <summary>What a process that wants a partition may do now, given what it has seen of the partition's row.</summary>
public abstract record Takeover
{
    private Takeover()
    {
    }

    /// <summary>No owner was ever recorded: create the row at epoch 1.</summary>
    public sealed record Create : Takeover;

    /// <summary>Take the next epoch now (compare-and-set on the lease counter that was read).</summary>
    public sealed record Take : Takeover;

    /// <summary>The owner may still be serving under its lease: ask again at <paramref name="Until"/> (monotonic).</summary>
    public sealed record Wait(TimeSpan Until) : Takeover;

    /// <summary>
    /// The rule. A partition may be taken at once when nobody holds it (never owned, or released in a planned
    /// hand-off), when its holder was this very process (an earlier store here, stopped before this one starts), or
    /// when this process alone can own the data (a single server holding the data directory's lock). Otherwise the
    /// holder may be alive and serving reads under its lease: the lease counter must have stood still for
    /// <see cref="LeaseSettings.TakeoverWait"/> since this process first saw its value. Its last renewal was sent
    /// before that moment, so its lease has certainly run out by then, even if it is only paused.
    /// </summary>
    public static Takeover Decide(OwnershipRow? row, string self, bool exclusive, TimeSpan firstSeen, TimeSpan now, LeaseSettings lease)
    {
        if (row is null) return new Create();
        if (row.Owner is null || row.Owner == self || exclusive) return new Take();
        var expired = firstSeen + lease.TakeoverWait;
        return now >= expired ? new Take() : new Wait(expired);
    }
}
