using System.Diagnostics;
using System.Runtime;

namespace KvActors.Server.Partition;

/// <summary>
/// Gives memory back to the operating system after the large, short-lived allocations around a big snapshot:
/// loading one reads the whole blob and decodes every key; saving one copies every key into a buffer that the
/// journal copies again. The GC keeps such memory committed for reuse: a 1M-key store held about 600 MiB of RSS,
/// and about 380 MiB after one compacting collection (bench/restart-memory.sh). That collection is a pause (about
/// 170 ms at 1M keys on a 2-core machine), so it follows only snapshots of at least <see cref="MinimumKeys"/> keys,
/// and after one the next waits twenty times as long as it took (and at least a second): trimming never takes more
/// than 5% of the time.
/// Smaller partitions leave less behind and are not trimmed. Snapshots of a partition are at least its key count of
/// writes apart (<see cref="SnapshotSchedule"/>), so the pause per write stays a fraction of a microsecond.
/// </summary>
public static class HeapTrim
{
    public const long MinimumKeys = 100_000;

    private const int QuietFactor = 20;
    private const long MinimumQuietMs = 1000;

    // Environment.TickCount64 before which no trim starts.
    private static long _nextAllowedMs;

    /// <returns>How long the trim took, or null if none was due.</returns>
    public static TimeSpan? AfterSnapshotOf(long keys)
    {
        if (keys < MinimumKeys) return null;
        var allowed = Interlocked.Read(ref _nextAllowedMs);
        var now = Environment.TickCount64;
        // Claimed before it runs, so two partitions never trim at once.
        if (now < allowed || Interlocked.CompareExchange(ref _nextAllowedMs, long.MaxValue, allowed) != allowed) return null;

        var started = Stopwatch.GetTimestamp();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var took = Stopwatch.GetElapsedTime(started);
        Interlocked.Exchange(ref _nextAllowedMs, Environment.TickCount64 + Math.Max(MinimumQuietMs, (long)(took.TotalMilliseconds * QuietFactor)));
        return took;
    }
}
