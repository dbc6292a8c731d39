using System.Globalization;

namespace KvActors.Cli;

/// <summary>Parses durations as users type them: 5s, 500ms, 1.5s, 2m, or a bare number of seconds.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration) => TryParse(text, longUnits: false, out duration);

    /// <summary>A time-to-live: like a timeout, plus the h and d units, up to ten years.</summary>
    public static bool TryParseTtl(string text, out TimeSpan duration) => TryParse(text, longUnits: true, out duration);

    private static bool TryParse(string text, bool longUnits, out TimeSpan duration)
    {
        var (number, unit) = Split(text.Trim().ToLowerInvariant());
        duration = default;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)) return false;
        double? milliseconds = unit switch
        {
            "ms" => amount,
            "s" or "" => amount * 1000,
            "m" or "min" => amount * 60_000,
            "h" when longUnits => amount * 3_600_000,
            "d" when longUnits => amount * 86_400_000,
            _ => null,
        };
        if (milliseconds is not { } ms || ms <= 0 || ms > (longUnits ? TimeSpan.FromDays(3650) : TimeSpan.FromDays(1)).TotalMilliseconds) return false;
        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    private static (string Number, string Unit) Split(string text)
    {
        var unitStart = text.Length;
        while (unitStart > 0 && char.IsLetter(text[unitStart - 1])) unitStart--;
        return (text[..unitStart], text[unitStart..]);
    }
}
