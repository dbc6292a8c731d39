namespace KvActors.Tests.Infrastructure;

/// <summary>A clock that says what the spec tells it, so relative TTLs turn into known absolute times.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public long NowUnixMs => Now.ToUnixTimeMilliseconds();

    public override DateTimeOffset GetUtcNow() => Now;
}
