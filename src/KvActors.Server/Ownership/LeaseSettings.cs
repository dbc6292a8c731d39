using Akka.Configuration;

namespace KvActors.Server.Ownership;

/// <summary>
/// How long an owner may serve after a renewal, and how long a new owner waits before taking a partition whose
/// owner stopped renewing. All of it is measured on each process's own monotonic clock, never compared across
/// processes; <see cref="TakeoverWait"/> exceeds <see cref="Duration"/> by a margin for clock rate drift and for
/// the time between a renewal and the moment others first read it.
/// </summary>
public sealed record LeaseSettings(TimeSpan Duration, TimeSpan RenewEvery, TimeSpan TakeoverWait, TimeSpan PollEvery)
{
    public static LeaseSettings Default { get; } = new(
        TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(2500), TimeSpan.FromMilliseconds(250));

    /// <summary>Reads <c>kv.ownership</c> (lease, takeover-margin); missing keys keep the defaults.</summary>
    public static LeaseSettings FromConfig(Config? config)
    {
        if (config is null || config.IsEmpty) return Default;
        var duration = config.GetTimeSpan("lease", Default.Duration);
        var margin = config.GetTimeSpan("takeover-margin", Default.TakeoverWait - Default.Duration);
        var settings = new LeaseSettings(duration, duration / 4, duration + margin, Default.PollEvery);
        if (duration <= TimeSpan.Zero || margin < TimeSpan.Zero)
            throw new ArgumentException("kv.ownership: lease must be positive and takeover-margin not negative");
        return settings;
    }
}
