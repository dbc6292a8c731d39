using System.Text;

namespace KvActors.Cli.Shell;

/// <summary>
/// Splits a shell line into words like a POSIX shell without expansions: blanks separate words, "double quotes"
/// keep blanks and understand \" and \\, 'single quotes' keep everything, a backslash outside quotes escapes the
/// next character. "" is an empty word.
/// </summary>
internal static class ShellWords
{
    /// <exception cref="CliUsageException">A quote is not closed or the line ends with a lone backslash.</exception>
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case ' ' or '\t':
                    if (inWord) words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    break;
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0) throw new CliUsageException("unterminated ' quote");
                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i = ReadDoubleQuoted(line, i + 1, word);
                    inWord = true;
                    break;
                case '\\':
                    if (++i == line.Length) throw new CliUsageException("line ends with a lone \\");
                    word.Append(line[i]);
                    inWord = true;
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord) words.Add(word.ToString());
        return words;
    }

    // Returns the index of the closing quote.
    private static int ReadDoubleQuoted(string line, int start, StringBuilder word)
    {
        for (var i = start; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '"':
                    return i;
                case '\\' when i + 1 < line.Length && line[i + 1] is '"' or '\\':
                    word.Append(line[++i]);
                    break;
                default:
                    word.Append(line[i]);
                    break;
            }
        }

        throw new CliUsageException("unterminated \" quote");
    }
}
