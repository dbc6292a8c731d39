using System.Globalization;
using KvActors.Protocol;

namespace KvActors.Tests.Scenarios;

/// <summary>
/// Reads a <c>.kvs</c> scenario (grammar in tests/scenarios/README.md): <c>@</c> directives first, then one step
/// per line, <c>COMMAND ARGS... =&gt; EXPECTATION</c>. Every mistake is a <see cref="ScenarioParseException"/>
/// naming file and line, so a typo never turns into a confusing test failure.
/// </summary>
public static class ScenarioParser
{
    private const string Arrow = "=>";

    // The expectation each command's success is written with; "error CODE" fits every command.
    private static readonly Dictionary<string, string> SuccessReplyOf = new(StringComparer.Ordinal)
    {
        ["set"] = "written",
        ["create"] = "written",
        ["update"] = "written",
        ["del"] = "deleted",
        ["get"] = "found",
        ["exists"] = "exists",
        ["scan"] = "page",
        ["stats"] = "stats",
    };

    public static Scenario ParseFile(string path) => Parse(Path.GetFileName(path), File.ReadAllText(path));

    public static Scenario Parse(string fileName, string text)
    {
        int? snapshotEvery = null;
        int? maxValueBytes = null;
        var steps = new List<ScenarioStep>();
        var lines = text.Split('\n');

        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            var source = lines[index].TrimEnd('\r').Trim();
            try
            {
                var words = ScenarioLexer.Split(source);
                if (words.Count == 0) continue;

                if (words[0].StartsWith('@'))
                {
                    if (steps.Count > 0) throw new FormatException($"directive {words[0]} must come before the first step");
                    switch (words[0])
                    {
                        case "@snapshot-every": snapshotEvery = Directive(words, snapshotEvery); break;
                        case "@max-value-bytes": maxValueBytes = Directive(words, maxValueBytes); break;
                        default: throw new FormatException($"unknown directive {words[0]} (known: @snapshot-every, @max-value-bytes)");
                    }

                    continue;
                }

                steps.Add(ParseStep(lineNumber, source, words));
            }
            catch (FormatException e)
            {
                throw new ScenarioParseException(fileName, lineNumber, e.Message);
            }
        }

        if (steps.Count == 0) throw new ScenarioParseException(fileName, lines.Length, "the scenario has no steps");
        return new Scenario(fileName, snapshotEvery, maxValueBytes, steps);
    }

    private static int Directive(IReadOnlyList<string> words, int? previous)
    {
        if (previous is not null) throw new FormatException($"{words[0]} is given twice");
        if (words.Count != 2 || !int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw new FormatException($"{words[0]} takes one positive number, for example {words[0]} 5");
        return value;
    }

    private static ScenarioStep ParseStep(int lineNumber, string source, IReadOnlyList<string> words)
    {
        var arrow = words.ToList().IndexOf(Arrow);
        var command = arrow < 0 ? words : words.Take(arrow).ToList();
        var expectation = arrow < 0 ? [] : words.Skip(arrow + 1).ToList();
        var name = command.Count > 0 ? command[0] : throw new FormatException($"'{Arrow}' needs a command before it");

        if (name == "restart")
        {
            if (command.Count > 1 || arrow >= 0) throw new FormatException("restart takes no arguments and expects nothing");
            return new RestartStep(lineNumber, source);
        }

        if (!SuccessReplyOf.TryGetValue(name, out var successReply))
            throw new FormatException($"unknown command '{name}' (known: set, create, update, del, get, exists, scan, stats, restart)");
        if (arrow < 0 || expectation.Count == 0)
            throw new FormatException($"missing expectation: write '{name} ... {Arrow} {successReply} ...' or '{Arrow} error CODE'");

        var request = ParseRequest(name, command.Skip(1).ToList());
        var expected = ParseExpectation(expectation);
        var kind = expectation[0];
        if (kind != "error" && kind != successReply)
            throw new FormatException($"{name} answers '{successReply}' or 'error', so '{kind}' can never match");
        return new RequestStep(lineNumber, source, request, expected);
    }

    private static IKvRequest ParseRequest(string name, IReadOnlyList<string> args)
    {
        switch (name)
        {
            case "set":
            {
                var (p, o) = Arguments(name, args, ["KEY", "VALUE"], "expect");
                return new Set(ScenarioLiteral.ToText(p[0]), ScenarioLiteral.ToBytes(p[1]), Number(o, "expect"));
            }
            case "create":
            {
                var (p, _) = Arguments(name, args, ["KEY", "VALUE"]);
                return new Create(ScenarioLiteral.ToText(p[0]), ScenarioLiteral.ToBytes(p[1]));
            }
            case "update":
            {
                var (p, o) = Arguments(name, args, ["KEY", "VALUE"], "expect");
                return new Update(ScenarioLiteral.ToText(p[0]), ScenarioLiteral.ToBytes(p[1]), Number(o, "expect"));
            }
            case "del":
            {
                var (p, o) = Arguments(name, args, ["KEY"], "expect");
                return new Delete(ScenarioLiteral.ToText(p[0]), Number(o, "expect"));
            }
            case "get":
                return new Get(ScenarioLiteral.ToText(Arguments(name, args, ["KEY"]).Positional[0]));
            case "exists":
                return new Exists(ScenarioLiteral.ToText(Arguments(name, args, ["KEY"]).Positional[0]));
            case "scan":
            {
                var (p, o) = Arguments(name, args, ["PREFIX"], "after", "limit");
                var after = o.TryGetValue("after", out var cursor) ? ScenarioLiteral.ToText(cursor) : null;
                var limit = Number(o, "limit") is { } l ? ToInt(l) : Scan.DefaultLimit;
                return new Scan(ScenarioLiteral.ToText(p[0]), after, limit);
            }
            default:
                Arguments(name, args, []);
                return GetStats.Instance;
        }
    }

    private static Expectation ParseExpectation(IReadOnlyList<string> words)
    {
        var source = string.Join(' ', words);
        var args = words.Skip(1).ToList();
        switch (words[0])
        {
            case "written":
                return new ExpectWritten(source, Number(Arguments("written", args, ["REVISION"]).Positional[0]));
            case "deleted":
                return new ExpectDeleted(source, Number(Arguments("deleted", args, ["REVISION"]).Positional[0]));
            case "found":
            {
                var (p, _) = Arguments("found", args, ["VALUE", "REVISION"]);
                return new ExpectFound(source, ScenarioLiteral.ToBytes(p[0]), Number(p[1]));
            }
            case "exists":
                return args switch
                {
                    ["true", var revision] => new ExpectExists(source, true, Number(revision)),
                    ["false"] or ["false", "0"] => new ExpectExists(source, false, 0),
                    _ => throw new FormatException("write 'exists true REVISION' or 'exists false'"),
                };
            case "page":
                return ParsePage(source, args);
            case "stats":
            {
                var (_, o) = Arguments("stats", args, [], "keys", "revision", "journal");
                if (o.Count == 0) throw new FormatException("stats needs at least one of keys=N revision=N journal=N");
                return new ExpectStats(source, Number(o, "keys"), Number(o, "revision"), Number(o, "journal"));
            }
            case "error":
            {
                if (args.Count is < 1 or > 2 || !Enum.GetNames<ErrorCode>().Contains(args[0], StringComparer.Ordinal))
                    throw new FormatException($"write 'error CODE [\"TEXT\"]' with CODE one of {string.Join(", ", Enum.GetNames<ErrorCode>())}");
                var contains = args.Count == 2 ? ScenarioLiteral.ToText(args[1]) : null;
                return new ExpectError(source, Enum.Parse<ErrorCode>(args[0]), contains);
            }
            default:
                throw new FormatException($"unknown expectation '{words[0]}' (known: written, deleted, found, exists, page, stats, error)");
        }
    }

    // Words starting with next= or revision= are options; every other word is an entry KEY@N[=VALUE].
    private static ExpectPage ParsePage(string source, IReadOnlyList<string> args)
    {
        string? next = null;
        long? revision = null;
        var entries = new List<ExpectedEntry>();
        foreach (var word in args)
        {
            if (word.StartsWith("next=", StringComparison.Ordinal)) next = ScenarioLiteral.ToText(word["next=".Length..]);
            else if (word.StartsWith("revision=", StringComparison.Ordinal)) revision = Number(word["revision=".Length..]);
            else if (next is not null || revision is not null) throw new FormatException($"page entry {word} must come before next= and revision=");
            else entries.Add(ParseEntry(word));
        }

        return new ExpectPage(source, entries, next, revision);
    }

    private static ExpectedEntry ParseEntry(string word)
    {
        var at = ScenarioLiteral.IndexOutsideQuotes(word, '@');
        if (at <= 0) throw new FormatException($"page entry {word} must be KEY@REVISION or KEY@REVISION=VALUE (quote keys holding @ or =)");
        var rest = word[(at + 1)..];
        var equals = rest.IndexOf('=');
        var value = equals < 0 ? null : ScenarioLiteral.ToBytes(rest[(equals + 1)..]);
        return new ExpectedEntry(ScenarioLiteral.ToText(word[..at]), Number(equals < 0 ? rest : rest[..equals]), value);
    }

    /// <summary>Splits arguments into the required positional words and <c>name=value</c> options from <paramref name="allowed"/>.</summary>
    private static (IReadOnlyList<string> Positional, Dictionary<string, string> Options) Arguments(
        string name, IReadOnlyList<string> args, string[] positional, params string[] allowed)
    {
        var usage = string.Join(' ', positional.Concat(allowed.Select(o => $"[{o}=...]")).Prepend(name));
        if (args.Count < positional.Length) throw new FormatException($"too few arguments: {usage}");

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in args.Skip(positional.Length))
        {
            var equals = option.IndexOf('=');
            var key = equals > 0 ? option[..equals] : option;
            if (equals <= 0 || !allowed.Contains(key)) throw new FormatException($"unexpected '{option}': {usage}");
            if (!options.TryAdd(key, option[(equals + 1)..])) throw new FormatException($"{key}= is given twice");
        }

        return (args.Take(positional.Length).ToList(), options);
    }

    private static int ToInt(long n) =>
        n is >= int.MinValue and <= int.MaxValue ? (int)n : throw new FormatException($"{n} does not fit a 32-bit number");

    private static long? Number(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var text) ? Number(text) : null;

    // Negative numbers are allowed on purpose: expect=-1 and limit=-1 must be rejected by the server, not here.
    private static long Number(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"'{text}' is not a whole number");
}
