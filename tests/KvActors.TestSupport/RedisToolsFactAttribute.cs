using Xunit;

namespace KvActors.TestSupport;

/// <summary>A fact that needs redis-cli and redis-benchmark (Debian package redis-tools); skipped, saying so, without them.</summary>
public sealed class RedisToolsFactAttribute : FactAttribute
{
    public RedisToolsFactAttribute()
    {
        if (!Installed) Skip = "redis-cli / redis-benchmark not installed (apt-get install -y redis-tools)";
    }

    public static bool Installed { get; } = new[] { "redis-cli", "redis-benchmark" }.All(OnPath);

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, tool)));
}
