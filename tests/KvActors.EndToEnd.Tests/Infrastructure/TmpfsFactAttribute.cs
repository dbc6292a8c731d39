using Xunit;

namespace KvActors.EndToEnd.Tests.Infrastructure;

/// <summary>A fact that mounts a <see cref="Tmpfs"/>; skipped, saying why, where that is impossible (not root).</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } reason) Skip = reason;
    }
}
