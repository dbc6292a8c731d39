using System.Text;

namespace KvActors.Resp.Keys;

/// <summary>
/// Redis's glob matching (KEYS, SCAN MATCH, CONFIG GET) over bytes: <c>*</c> any run, <c>?</c> one byte,
/// <c>[abc]</c>, <c>[^abc]</c> and <c>[a-z]</c> sets, <c>\</c> escapes the next byte. Keys are matched as their UTF-8
/// bytes, so a pattern means what it means to Redis. Backtracks only to the last <c>*</c>, so it runs in
/// O(pattern × key) at worst, never exponentially.
/// </summary>
internal sealed class GlobPattern
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _pattern;

    public GlobPattern(byte[] pattern)
    {
        _pattern = pattern;
        LiteralPrefix = FindLiteralPrefix(pattern);
        MatchesEverything = pattern is [(byte)'*'];
    }

    /// <summary>Text every match starts with (the pattern up to its first wildcard), to narrow a scan by prefix.</summary>
    public string LiteralPrefix { get; }

    public bool MatchesEverything { get; }

    public bool Matches(string key)
    {
        if (MatchesEverything) return true;
        var length = Encoding.UTF8.GetByteCount(key);
        Span<byte> bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(key, bytes);
        return Matches(_pattern, bytes);
    }

    public static bool Matches(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                while (p < pattern.Length && pattern[p] == '*') p++;
                if (p == pattern.Length) return true;
                starP = p;
                starT = t;
                continue;
            }

            if (p < pattern.Length && MatchOne(pattern, p, text[t], out var next))
            {
                p = next;
                t++;
                continue;
            }

            if (starP < 0) return false;
            // The last star swallows one more byte and matching resumes after it.
            t = ++starT;
            p = starP;
        }

        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    // Whether the pattern element at p (not a star) matches c; next is the position after that element.
    private static bool MatchOne(ReadOnlySpan<byte> pattern, int p, byte c, out int next)
    {
        switch (pattern[p])
        {
            case (byte)'?':
                next = p + 1;
                return true;
            case (byte)'[':
                return MatchSet(pattern, p + 1, c, out next);
            case (byte)'\\' when p + 1 < pattern.Length:
                next = p + 2;
                return pattern[p + 1] == c;
            default:
                next = p + 1;
                return pattern[p] == c;
        }
    }

    // A set after '['; an unterminated set ends with the pattern, as in Redis.
    private static bool MatchSet(ReadOnlySpan<byte> pattern, int i, byte c, out int next)
    {
        var negate = i < pattern.Length && pattern[i] == '^';
        if (negate) i++;
        var match = false;
        while (i < pattern.Length)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                match |= pattern[i + 1] == c;
                i += 2;
            }
            else if (pattern[i] == ']')
            {
                i++;
                break;
            }
            else if (i + 2 < pattern.Length && pattern[i + 1] == '-')
            {
                var (low, high) = pattern[i] <= pattern[i + 2] ? (pattern[i], pattern[i + 2]) : (pattern[i + 2], pattern[i]);
                match |= c >= low && c <= high;
                i += 3;
            }
            else
            {
                match |= pattern[i] == c;
                i++;
            }
        }

        next = i;
        return match != negate;
    }

    private static string FindLiteralPrefix(byte[] pattern)
    {
        var prefix = new List<byte>();
        for (var i = 0; i < pattern.Length; i++)
        {
            var b = pattern[i];
            if (b is (byte)'*' or (byte)'?' or (byte)'[') break;
            if (b == '\\' && i + 1 < pattern.Length) b = pattern[++i];
            prefix.Add(b);
        }

        // Keys are text: a prefix that ends inside a multi-byte character is cut back to whole characters.
        var bytes = prefix.ToArray();
        for (var cut = 0; cut <= Math.Min(3, bytes.Length); cut++)
        {
            try
            {
                return StrictUtf8.GetString(bytes, 0, bytes.Length - cut);
            }
            catch (DecoderFallbackException)
            {
                // Try without the last byte.
            }
        }

        return "";
    }
}
