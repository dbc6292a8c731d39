namespace KvActors.Resp.Protocol;

/// <summary>
/// Splits an inline command (a plain text line, as typed into telnet or sent by redis-cli for some commands) into
/// arguments the way Redis's sdssplitargs does: spaces separate, "double quotes" understand \n \r \t \b \a \\ \"
/// and \xHH, 'single quotes' understand \'. A closing quote must be followed by a space or the end of the line.
/// </summary>
internal static class InlineCommandSplitter
{
    public static byte[][] Split(ReadOnlySpan<byte> line)
    {
        var args = new List<byte[]>();
        var current = new List<byte>();
        var i = 0;
        while (true)
        {
            while (i < line.Length && IsSpace(line[i])) i++;
            if (i == line.Length) return args.ToArray();

            current.Clear();
            var inDouble = false;
            var inSingle = false;
            var done = false;
            while (!done)
            {
                if (inDouble)
                {
                    if (i == line.Length) throw Unbalanced();
                    if (line[i] == '\\' && i + 3 < line.Length && line[i + 1] == 'x' && IsHex(line[i + 2]) && IsHex(line[i + 3]))
                    {
                        current.Add((byte)(Hex(line[i + 2]) * 16 + Hex(line[i + 3])));
                        i += 3;
                    }
                    else if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        current.Add(line[i] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        });
                    }
                    else if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && !IsSpace(line[i + 1])) throw Unbalanced();
                        done = true;
                    }
                    else
                    {
                        current.Add(line[i]);
                    }
                }
                else if (inSingle)
                {
                    if (i == line.Length) throw Unbalanced();
                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] == '\'')
                    {
                        i++;
                        current.Add((byte)'\'');
                    }
                    else if (line[i] == '\'')
                    {
                        if (i + 1 < line.Length && !IsSpace(line[i + 1])) throw Unbalanced();
                        done = true;
                    }
                    else
                    {
                        current.Add(line[i]);
                    }
                }
                else if (i == line.Length || IsSpace(line[i]))
                {
                    done = true;
                }
                else if (line[i] == '"')
                {
                    inDouble = true;
                }
                else if (line[i] == '\'')
                {
                    inSingle = true;
                }
                else
                {
                    current.Add(line[i]);
                }

                if (i < line.Length) i++;
            }

            args.Add(current.ToArray());
        }
    }

    private static RespProtocolException Unbalanced() => new("unbalanced quotes in request");

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int Hex(byte b) => b switch
    {
        <= (byte)'9' => b - '0',
        <= (byte)'F' => b - 'A' + 10,
        _ => b - 'a' + 10,
    };
}
