using System.Globalization;

namespace KvActors.Client;

/// <summary>Short human-readable durations for messages: 5s, 2.5s, 300ms.</summary>
internal static class Durations
{
    public static string Format(TimeSpan duration) => duration < TimeSpan.FromSeconds(1)
        ? $"{duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms"
        : $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";
}
