using System.Globalization;

namespace KvActors.Cli;

/// <summary>Parses durations as users type them: 5s, 500ms, 1.5s, 2m, or a bare number of seconds.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration) => TryParse(text, TimeSpan.FromDays(1), out duration);

    /// <summary>Like <see cref="TryParse(string, out TimeSpan)"/>, also accepting h and d units, up to <paramref name="max"/>.</summary>
    public static bool TryParse(string text, TimeSpan max, out TimeSpan duration)
    {
        var (number, unit) = Split(text.Trim().ToLowerInvariant());
        duration = default;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)) return false;
        double? milliseconds = unit switch
        {
            "ms" => amount,
            "s" or "" => amount * 1000,
            "m" or "min" => amount * 60_000,
            "h" => amount * 3_600_000,
            "d" => amount * 86_400_000,
            _ => null,
        };
        if (milliseconds is not { } ms || ms <= 0 || ms > max.TotalMilliseconds) return false;
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
