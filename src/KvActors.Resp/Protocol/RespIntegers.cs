namespace KvActors.Resp.Protocol;

/// <summary>Integer text as Redis reads it (string2ll): optional '-', digits, no '+', spaces or leading zeros.</summary>
internal static class RespIntegers
{
    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20) return false;
        if (text is [(byte)'0']) return true;

        var negative = text[0] == '-';
        var digits = negative ? text[1..] : text;
        if (digits.IsEmpty || digits[0] is < (byte)'1' or > (byte)'9') return false;

        // Accumulate as a negative number so long.MinValue parses too.
        long result = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            var digit = b - '0';
            if (result < (long.MinValue + digit) / 10) return false;
            result = result * 10 - digit;
        }

        if (!negative)
        {
            if (result == long.MinValue) return false;
            result = -result;
        }

        value = result;
        return true;
    }
}
