using System.Globalization;
using System.Text;

namespace KvActors.Tests.Scenarios;

/// <summary>
/// Keys and values as a scenario file writes them, and back. A literal is a bare word (taken as is), a quoted
/// string with escapes, or a generator <c>repeat:UNIT:COUNT</c> for sizes nobody wants to type.
/// Keys are text, so <c>\xHH</c> (one raw byte) is only allowed in values.
/// Decoding errors are <see cref="FormatException"/>s; the parser adds file and line.
/// </summary>
public static class ScenarioLiteral
{
    private const string RepeatPrefix = "repeat:";

    // Longer renderings are cut, so a failure message about a 1 MiB value stays readable.
    private const int MaxRenderedChars = 80;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes a key, prefix or cursor. <c>\uD800</c> gives a lone surrogate on purpose, to test key validation.</summary>
    public static string ToText(string word)
    {
        if (IsRepeat(word))
        {
            var (unit, count) = ParseRepeat(word);
            return string.Concat(Enumerable.Repeat(ToText(unit), count));
        }

        if (!word.StartsWith('"')) return Bare(word);
        var text = new StringBuilder();
        DecodeQuoted(word, text, bytes: null);
        return text.ToString();
    }

    /// <summary>Decodes a value: text is stored as UTF-8, each <c>\xHH</c> adds one raw byte.</summary>
    public static byte[] ToBytes(string word)
    {
        if (IsRepeat(word))
        {
            var (unit, count) = ParseRepeat(word);
            var unitBytes = ToBytes(unit);
            var result = new byte[unitBytes.Length * count];
            for (var i = 0; i < count; i++) unitBytes.CopyTo(result, i * unitBytes.Length);
            return result;
        }

        if (!word.StartsWith('"')) return Encoding.UTF8.GetBytes(Bare(word));
        var bytes = new List<byte>();
        DecodeQuoted(word, new StringBuilder(), bytes);
        return [.. bytes];
    }

    /// <summary>Renders text the way a scenario would write it: bare when that reads back the same, else quoted.</summary>
    public static string FormatText(string text)
    {
        if (text.Length > MaxRenderedChars && text.All(c => c == text[0]) && IsBareSafe(text[..1]))
            return $"{RepeatPrefix}{text[0]}:{text.Length}";
        if (IsBareSafe(text)) return Cut(text, $"{text.Length} chars");

        var quoted = new StringBuilder("\"");
        for (var i = 0; i < text.Length; i++)
        {
            if (IsLoneSurrogate(text, i)) quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)text[i]:X4}");
            else AppendEscaped(quoted, text[i]);
        }

        return Cut(quoted.Append('"').ToString(), $"{text.Length} chars");
    }

    /// <summary>Renders a value: as text when it is valid UTF-8, else quoted with <c>\xHH</c> for every non-printable byte.</summary>
    public static string FormatBytes(byte[] value)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            var quoted = new StringBuilder("\"");
            foreach (var b in value)
            {
                if (b is >= 0x20 and < 0x7f) AppendEscaped(quoted, (char)b);
                else quoted.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }

            return Cut(quoted.Append('"').ToString(), $"{value.Length} bytes");
        }

        return FormatText(text);
    }

    /// <summary>Index of the first <paramref name="c"/> outside double quotes, or -1.</summary>
    public static int IndexOutsideQuotes(string word, char c)
    {
        var quoted = false;
        for (var i = 0; i < word.Length; i++)
        {
            if (quoted && word[i] == '\\') i++;
            else if (word[i] == '"') quoted = !quoted;
            else if (!quoted && word[i] == c) return i;
        }

        return -1;
    }

    private static bool IsRepeat(string word) => word.StartsWith(RepeatPrefix, StringComparison.Ordinal);

    private static string Bare(string word)
    {
        if (word.Contains('"')) throw new FormatException($"{word}: quote the whole word (\"...\") to use a double quote in it");
        return word;
    }

    // The count follows the last colon, so the unit may contain colons: repeat:a:b:3 is "a:b" three times.
    private static (string Unit, int Count) ParseRepeat(string word)
    {
        var colon = word.LastIndexOf(':');
        var unit = colon > RepeatPrefix.Length ? word[RepeatPrefix.Length..colon] : string.Empty;
        if (unit.Length == 0 || !int.TryParse(word[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new FormatException($"{word}: a generator is written repeat:UNIT:COUNT, for example repeat:x:4096");
        return (unit, count);
    }

    private static void DecodeQuoted(string word, StringBuilder text, List<byte>? bytes)
    {
        if (ClosingQuote(word) != word.Length - 1)
            throw new FormatException($"{word}: a quoted literal must be exactly one \"...\" string");

        for (var i = 1; i < word.Length - 1; i++)
        {
            if (word[i] != '\\')
            {
                text.Append(word[i]);
                continue;
            }

            var escape = word[++i];
            switch (escape)
            {
                case '\\' or '"': text.Append(escape); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case '0': text.Append('\0'); break;
                case 'u': i = DecodeUnicode(word, i + 1, text); break;
                case 'x' when bytes is null:
                    throw new FormatException($"{word}: \\x is a raw byte, only allowed in values; keys are text, use \\u");
                case 'x':
                    // Text before the byte is encoded first, so text and raw bytes keep their order.
                    FlushText(word, text, bytes);
                    bytes.Add((byte)ParseHex(word, i + 1, 2));
                    i += 2;
                    break;
                default:
                    throw new FormatException(
                        $"{word}: unknown escape \\{escape} (known: \\\\ \\\" \\n \\r \\t \\0 \\xHH \\uXXXX \\u{{X...}})");
            }
        }

        if (bytes is not null) FlushText(word, text, bytes);
    }

    // Index of the quote closing the one at index 0, or -1 if the string never closes.
    private static int ClosingQuote(string word)
    {
        for (var i = 1; i < word.Length; i++)
        {
            if (word[i] == '\\') i++;
            else if (word[i] == '"') return i;
        }

        return -1;
    }

    // Returns the index of the escape's last character.
    private static int DecodeUnicode(string word, int start, StringBuilder text)
    {
        if (start < word.Length && word[start] == '{')
        {
            var close = word.IndexOf('}', start);
            if (close < 0) throw new FormatException($"{word}: \\u{{ without a closing }}");
            var codePoint = ParseHex(word, start + 1, close - start - 1);
            if (codePoint is > 0x10FFFF or >= 0xD800 and <= 0xDFFF)
                throw new FormatException($"{word}: \\u{{{codePoint:X}}} is not a Unicode scalar value");
            text.Append(char.ConvertFromUtf32(codePoint));
            return close;
        }

        // \uXXXX is one UTF-16 unit, so a lone surrogate can be written on purpose.
        text.Append((char)ParseHex(word, start, 4));
        return start + 3;
    }

    private static int ParseHex(string word, int start, int length)
    {
        // The closing quote is not part of the escape.
        if (length is < 1 or > 6 || start + length > word.Length - 1 ||
            !int.TryParse(word.AsSpan(start, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            throw new FormatException($"{word}: bad hexadecimal digits in the escape at character {start}");
        return value;
    }

    private static void FlushText(string word, StringBuilder text, List<byte> bytes)
    {
        try
        {
            bytes.AddRange(StrictUtf8.GetBytes(text.ToString()));
        }
        catch (EncoderFallbackException)
        {
            throw new FormatException($"{word}: a value cannot hold a lone surrogate; write raw bytes with \\xHH");
        }

        text.Clear();
    }

    private static bool IsBareSafe(string text) =>
        text.Length > 0 && text != "=>" && !text.StartsWith('#') && !IsRepeat(text) &&
        text.All(c => !char.IsWhiteSpace(c) && !char.IsControl(c) && c is not ('"' or '@' or '=')) &&
        !Enumerable.Range(0, text.Length).Any(i => IsLoneSurrogate(text, i));

    private static bool IsLoneSurrogate(string text, int i) =>
        char.IsHighSurrogate(text[i]) ? i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1])
        : char.IsLowSurrogate(text[i]) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));

    private static void AppendEscaped(StringBuilder quoted, char c)
    {
        switch (c)
        {
            case '"' or '\\': quoted.Append('\\').Append(c); break;
            case '\n': quoted.Append("\\n"); break;
            case '\r': quoted.Append("\\r"); break;
            case '\t': quoted.Append("\\t"); break;
            case '\0': quoted.Append("\\0"); break;
            default:
                if (char.IsControl(c)) quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                else quoted.Append(c);
                break;
        }
    }

    private static string Cut(string rendered, string size) =>
        rendered.Length <= MaxRenderedChars ? rendered : $"{rendered[..MaxRenderedChars]}… ({size})";
}
