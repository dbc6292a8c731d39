namespace KvActors.Tests.Scenarios;

/// <summary>
/// Splits a scenario line into words at whitespace outside double quotes. A word that starts with <c>#</c>
/// starts a comment (so <c>a#b</c> is still a word); escapes stay in the word for <see cref="ScenarioLiteral"/>.
/// </summary>
public static class ScenarioLexer
{
    public static IReadOnlyList<string> Split(string line)
    {
        var words = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            if (i == line.Length || line[i] == '#') return words;

            var start = i;
            var quoted = false;
            for (; i < line.Length && (quoted || !char.IsWhiteSpace(line[i])); i++)
            {
                if (quoted && line[i] == '\\') i++;
                else if (line[i] == '"') quoted = !quoted;
            }

            if (quoted || i > line.Length) throw new FormatException($"unterminated quoted string starting at column {start + 1}");
            words.Add(line[start..i]);
        }
    }
}
