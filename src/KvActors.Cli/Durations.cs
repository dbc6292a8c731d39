using System.Globalization;

namespace KvActors.Cli;

/// <summary>
/// Parses durations as people write them: 5s, 500ms, 1.5s, 2m, 1h30m, "10 minutes", or a bare number of seconds.
/// Units: ms, s/sec/second(s), m/min/minute(s), and for a TTL also h/hour(s), d/day(s).
/// </summary>
internal static class Durations
{
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(1);
    private static readonly TimeSpan LongestTtl = TimeSpan.FromDays(3650);

    public static bool TryParse(string text, out TimeSpan duration) => Parse(text, longUnits: false, out duration) is null;

    /// <summary>A time-to-live: like a timeout, plus the h and d units, up to ten years.</summary>
    public static bool TryParseTtl(string text, out TimeSpan duration) => Parse(text, longUnits: true, out duration) is null;

    /// <summary>Null if <paramref name="text"/> is a duration; otherwise why not, for a person to read.</summary>
    public static string? Parse(string text, bool longUnits, out TimeSpan duration)
    {
        duration = default;
        var examples = longUnits ? "10s, 5m, 2h, 7d, 1h30m" : "5s, 500ms, 1m";
        var rest = text.Trim().ToLowerInvariant();
        if (rest.Length == 0) return $"a duration is needed (examples: {examples})";
        if (rest.StartsWith('-')) return $"'{text}' is negative; a duration must be more than 0";

        double milliseconds = 0;
        var parts = 0;
        while (rest.Length > 0)
        {
            var numberEnd = 0;
            while (numberEnd < rest.Length && (char.IsDigit(rest[numberEnd]) || rest[numberEnd] == '.')) numberEnd++;
            if (numberEnd == 0 || !double.TryParse(rest[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
                return $"'{text}' is not a duration (examples: {examples})";
            rest = rest[numberEnd..].TrimStart();
            var unitEnd = 0;
            while (unitEnd < rest.Length && char.IsLetter(rest[unitEnd])) unitEnd++;
            var unit = rest[..unitEnd];
            rest = rest[unitEnd..].TrimStart();
            if (unit.Length == 0 && (parts > 0 || rest.Length > 0)) return $"'{text}' is not a duration: every number needs a unit (examples: {examples})";
            double? factor = unit switch
            {
                "ms" or "msec" or "millisecond" or "milliseconds" => 1,
                "" or "s" or "sec" or "secs" or "second" or "seconds" => 1000,
                "m" or "min" or "mins" or "minute" or "minutes" => 60_000,
                "h" or "hr" or "hrs" or "hour" or "hours" when longUnits => 3_600_000,
                "d" or "day" or "days" when longUnits => 86_400_000,
                "h" or "hr" or "hrs" or "hour" or "hours" or "d" or "day" or "days" => -1,
                _ => null,
            };
            if (factor is null) return $"'{text}': unknown unit '{unit}' (examples: {examples})";
            if (factor < 0) return $"'{text}' is longer than allowed (at most {Describe(LongestTimeout)})";
            milliseconds += amount * factor.Value;
            parts++;
        }

        var longest = longUnits ? LongestTtl : LongestTimeout;
        if (milliseconds <= 0) return $"'{text}' is zero; a duration must be more than 0";
        if (milliseconds > longest.TotalMilliseconds) return $"'{text}' is longer than allowed (at most {Describe(longest)})";
        duration = TimeSpan.FromMilliseconds(milliseconds);
        return null;
    }

    private static string Describe(TimeSpan span) => span.TotalDays >= 365 ? $"{span.TotalDays / 365:0} years" : $"{span.TotalHours:0} hours";
}
