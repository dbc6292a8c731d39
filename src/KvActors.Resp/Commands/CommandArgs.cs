using System.Globalization;
using System.Text;
using KvActors.Resp.Protocol;

namespace KvActors.Resp.Commands;

/// <summary>The words of one command (index 0 is the command name), with Redis's rules for reading them.</summary>
internal readonly struct CommandArgs(byte[][] words)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public int Count => words.Length;

    public byte[] this[int index] => words[index];

    /// <summary>The command name in lower case, as Redis names commands in error messages.</summary>
    public string Name => Encoding.ASCII.GetString(words[0]).ToLowerInvariant();

    /// <summary>A key: UTF-8 text. Redis keys are binary, ours are text, so other bytes are refused here.</summary>
    public string Key(int index)
    {
        try
        {
            return StrictUtf8.GetString(words[index]);
        }
        catch (DecoderFallbackException)
        {
            throw new CommandException(RespErrors.InvalidKeyEncoding);
        }
    }

    /// <summary>Text for messages and names; invalid UTF-8 is replaced, never refused.</summary>
    public string Text(int index) => Encoding.UTF8.GetString(words[index]);

    public long Integer(int index) =>
        RespIntegers.TryParse(words[index], out var value) ? value : throw new CommandException(RespErrors.NotAnInteger);

    /// <summary>A finite or infinite double as Redis reads it (no spaces, no NaN).</summary>
    public double Float(int index)
    {
        var text = words[index];
        if (text.Length == 0 || IsSpace(text[0]) || IsSpace(text[^1])) throw new CommandException(RespErrors.NotAFloat);
        var s = Encoding.ASCII.GetString(text);
        var parsed = s.ToLowerInvariant() switch
        {
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            _ => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN,
        };
        return double.IsNaN(parsed) ? throw new CommandException(RespErrors.NotAFloat) : parsed;
    }

    /// <summary>Whether word <paramref name="index"/> is <paramref name="keyword"/>, ignoring ASCII case.</summary>
    public bool Is(int index, string keyword) => Ascii.EqualsIgnoreCase(words[index], keyword);

    /// <summary>The words from <paramref name="start"/> on.</summary>
    public byte[][] From(int start) => words[start..];

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
