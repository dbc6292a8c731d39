using System.Diagnostics;

namespace KvActors.Server.Ownership;

/// <summary>
/// The one clock leases are measured on: monotonic, unaffected by wall-clock steps, and it keeps counting while the
/// process is stopped (SIGSTOP, a long GC pause), which is exactly what makes a resumed owner find its lease gone.
/// </summary>
public static class MonotonicClock
{
    public static TimeSpan Now => Stopwatch.GetElapsedTime(0);
}
