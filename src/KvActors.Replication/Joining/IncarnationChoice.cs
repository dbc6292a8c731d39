namespace KvActors.Replication.Joining;

/// <summary>
/// How a node without a recorded incarnation takes its place in its groups, decided from its peers' answers
/// (<see cref="BootstrapState"/>). Founding (incarnation 0, the founding replica ids) is safe only if no group has run
/// yet: every peer must have answered, none active. Once any peer has seen its groups run, this node's founding
/// replicas may have voted and acknowledged entries that this directory no longer holds, so it rejoins under ids no
/// replica ever had: a new incarnation, above every one its peers know of and above the clock's milliseconds, so that an attempt
/// its peers never applied is not reused either (etcd likewise gives a re-added member a fresh id).
/// </summary>
public abstract record IncarnationChoice
{
    /// <summary>Not yet decidable: some peer has not answered, or is still recovering.</summary>
    public sealed record Wait : IncarnationChoice;

    /// <summary>No group has run: take the founding place.</summary>
    public sealed record Found : IncarnationChoice;

    /// <summary>The groups run: join them as <paramref name="Incarnation"/>.</summary>
    public sealed record Rejoin(long Incarnation, string Why) : IncarnationChoice;

    // Incarnations from the clock count milliseconds from here (a wipe and restart within one still differ); ids
    // (slot + 1000 x incarnation) stay far inside 64 bits for centuries.
    internal static readonly DateTimeOffset ClockOrigin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="slot">This node's slot in its groups.</param>
    /// <param name="peers">How many other nodes hold replicas of the groups.</param>
    /// <param name="answers">The latest answer of each peer that answered.</param>
    /// <param name="now">The wall clock.</param>
    public static IncarnationChoice Decide(ulong slot, int peers, IReadOnlyCollection<BootstrapState> answers, DateTimeOffset now)
    {
        var ready = answers.Where(a => a.Ready).ToArray();
        var active = ready.Count(a => a.Active);
        if (active > 0)
        {
            var known = ready.SelectMany(a => a.Members).Where(id => ReplicaGroup.SlotOf(id) == slot)
                .Select(ReplicaGroup.IncarnationOf).DefaultIfEmpty(0).Max();
            var fromClock = Math.Max(1, (long)(now - ClockOrigin).TotalMilliseconds);
            return new Rejoin(Math.Max(known + 1, fromClock),
                $"{active} of {peers} peers report groups that already run (highest incarnation of this node's slot they know: {known})");
        }

        return ready.Length == peers ? new Found() : new Wait();
    }
}
