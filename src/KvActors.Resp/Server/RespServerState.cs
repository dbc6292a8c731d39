using KvActors.Resp.Keys;

namespace KvActors.Resp.Server;

/// <summary>What every connection of one listener shares: settings, clock, counters and SCAN cursors.</summary>
internal sealed class RespServerState(RespSettings settings, TimeProvider clock)
{
    private long _lastClientId;

    public RespSettings Settings { get; } = settings;

    /// <summary>
    /// The clock relative TTLs are measured from: EX 10 becomes "now + 10 s" in absolute Unix ms here, so the journal
    /// records an absolute time that means the same after a restart.
    /// </summary>
    public TimeProvider Clock { get; } = clock;

    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();

    public RespStats Stats { get; } = new();

    public ScanCursorTable ScanCursors { get; } = new(settings.MaxScanCursors);

    /// <summary>The port actually bound (differs from the settings when they ask for 0).</summary>
    public int Port { get; set; }

    public long NowUnixMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public long NextClientId() => Interlocked.Increment(ref _lastClientId);
}
