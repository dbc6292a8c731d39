using System.CommandLine;
using System.CommandLine.Invocation;
using KvActors.Cli.Shell;
using KvActors.Client;
using KvActors.Protocol;

namespace KvActors.Cli;

/// <summary>
/// The commands of <c>kv</c> and what they print. The same commands serve one-shot runs (each connects, runs,
/// disconnects) and the shell (each line reuses the shell's client).
/// </summary>
internal sealed class KvCommandLine(CliContext context)
{
    public const string DefaultServer = "127.0.0.1:4053";
    public const string ServerVariable = "KV_SERVER";

    // "@name" must stay a key, not become a response file to read arguments from.
    private static readonly ParserConfiguration ParserSettings = new() { ResponseFileTokenReplacer = null };

    private readonly Option<string?> _server = new("--server")
    {
        Description = $"Server as HOST:PORT or akka.tcp://kv@HOST:PORT; several cluster nodes comma-separated (default: ${ServerVariable}, else {DefaultServer})",
        Recursive = true,
    };

    private readonly Option<TimeSpan?> _timeout = new("--timeout")
    {
        Description = "Longest wait for the server, e.g. 5s, 500ms, 1m (default 5s)",
        Recursive = true,
        CustomParser = ParseTimeout,
    };

    private readonly Option<bool> _json = new("--json") { Description = "Print JSON instead of text", Recursive = true };

    /// <summary>The full command line: global options, data commands, and <c>shell</c>.</summary>
    public ParseResult Parse(IReadOnlyList<string> args)
    {
        var root = new RootCommand("Command-line client of the KvActors key-value store") { _server, _timeout, _json };
        foreach (var command in DataCommands()) root.Subcommands.Add(command);
        root.Subcommands.Add(ClusterCommand());
        root.Subcommands.Add(ShellCommand());
        return root.Parse(args, ParserSettings);
    }

    /// <summary>One shell line: the data commands only, with --timeout and --json (the server is already chosen).</summary>
    public ParseResult ParseShellLine(IReadOnlyList<string> words)
    {
        var root = new RootCommand("KvActors shell") { _timeout, _json };
        foreach (var command in DataCommands()) root.Subcommands.Add(command);
        return root.Parse(words, ParserSettings);
    }

    /// <summary>Runs a parsed command line and returns its exit code; a parse error is one line on standard error.</summary>
    /// <param name="ownsTermination">True for the process's own command line: Ctrl+C cancels it. Shell lines run inside it.</param>
    public async Task<int> InvokeAsync(ParseResult parse, bool ownsTermination, CancellationToken cancellationToken)
    {
        if (parse.Action is ParseErrorAction)
        {
            // "kv bogus" yields "command not provided" first; the word the user mistyped is the useful part.
            var problem = parse.UnmatchedTokens.Count > 0
                ? $"unknown command or argument '{parse.UnmatchedTokens[0]}'"
                : parse.Errors[0].Message.TrimEnd('.');
            return context.Fail(new CliUsageException($"{problem} (see --help)"));
        }

        var configuration = new InvocationConfiguration
        {
            Output = context.Output.Text,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };
        if (!ownsTermination) configuration.ProcessTerminationTimeout = null;
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    private IEnumerable<Command> DataCommands() =>
    [
        GetCommand(),
        SetCommand(),
        WriteCommand("create", "Create KEY with VALUE; fails (exit 1) if KEY exists",
            withExpectedRevision: false,
            (client, key, value, _, _, timeout, ct) => client.CreateAsync(key, value, timeout, ct)),
        WriteCommand("update", "Replace the value of an existing KEY; fails (exit 1) if KEY does not exist",
            withExpectedRevision: true,
            (client, key, value, expected, _, timeout, ct) => client.UpdateAsync(key, value, expected, timeout, ct)),
        DeleteCommand(),
        ExistsCommand(),
        ScanCommand(),
        StatsCommand(),
        TtlCommand(),
    ];

    // set is a write command with one more option: --ttl.
    private Command SetCommand()
    {
        var ttl = new Option<TimeSpan?>("--ttl")
        {
            Description = "Expire the key after this long, e.g. 10s, 5m, 2h, 7d (default: never; replaces an existing TTL)",
            CustomParser = ParseTtl,
        };
        var command = WriteCommand("set", "Set KEY to VALUE, creating it if needed; with --expect-revision only if KEY is at that revision (0: absent)",
            withExpectedRevision: true,
            (client, key, value, expected, parse, timeout, ct) => parse.GetValue(ttl) is { } expiresIn
                ? client.SetWithTtlAsync(key, value, expiresIn, expected, timeout, ct)
                : client.SetAsync(key, value, expected, timeout, ct));
        command.Options.Add(ttl);
        return command;
    }

    private Command TtlCommand()
    {
        var key = KeyArgument();
        var command = new Command("ttl", "Print the seconds KEY has left (-1: no expiry); exit 1 if KEY does not exist") { key };
        SetAction(command, async (client, parse, ct) =>
        {
            var left = await client.GetTtlAsync(parse.GetRequiredValue(key), Timeout(parse), ct);
            if (Json(parse))
            {
                context.Output.WriteJson(json =>
                {
                    json.WriteStartObject();
                    if (left is { } l) json.WriteNumber("ttl_ms", (long)l.TotalMilliseconds);
                    else json.WriteNull("ttl_ms");
                    json.WriteEndObject();
                });
            }
            else
            {
                context.Output.WriteLine(left is { } l ? ((long)Math.Ceiling(l.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-1");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static TimeSpan? ParseTtl(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens[^1].Value;
        if (Durations.TryParseTtl(text, out var ttl)) return ttl;
        result.AddError($"--ttl: '{text}' is not a duration (examples: 10s, 5m, 2h, 7d)");
        return null;
    }

    private Command GetCommand()
    {
        var key = KeyArgument();
        var command = new Command("get", "Print the value of KEY exactly as stored (with --json: key, value, revision)") { key };
        SetAction(command, async (client, parse, ct) =>
        {
            var name = parse.GetRequiredValue(key);
            var value = await client.GetAsync(name, Timeout(parse), ct);
            if (Json(parse)) context.Output.WriteJson(json => JsonFormat.WriteEntry(json, name, value.Value, value.Revision));
            else context.Output.WriteValue(value.Value, endLine: context.InShell);
            return ExitCodes.Success;
        });
        return command;
    }

    private delegate Task<long> Write(
        KvClient client, string key, byte[] value, long? expectedRevision, ParseResult parse, TimeSpan? timeout, CancellationToken ct);

    private Command WriteCommand(string name, string description, bool withExpectedRevision, Write write)
    {
        var key = KeyArgument();
        var value = new Argument<string?>("VALUE")
        {
            Description = "The value as text (UTF-8); without it and --file, standard input is read as bytes",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var file = new Option<string?>("--file") { Description = "Read the value from this file (bytes as they are)" };
        var expected = ExpectRevisionOption();
        var command = new Command(name, description) { key, value, file };
        if (withExpectedRevision) command.Options.Add(expected);
        SetAction(command, async (client, parse, ct) =>
        {
            // In the shell, standard input carries the commands themselves.
            var stdin = context.InShell ? null : context.Input;
            var bytes = await ValueInput.ReadAsync(parse.GetValue(value), parse.GetValue(file), stdin, ct);
            var expectedRevision = withExpectedRevision ? parse.GetValue(expected) : null;
            PrintRevision(parse, await write(client, parse.GetRequiredValue(key), bytes, expectedRevision, parse, Timeout(parse), ct));
            return ExitCodes.Success;
        });
        return command;
    }

    private Command DeleteCommand()
    {
        var key = KeyArgument();
        var expected = ExpectRevisionOption();
        var command = new Command("del", "Delete KEY (with --expect-revision only if it is at that revision); prints the revision of the deletion")
        {
            key, expected,
        };
        SetAction(command, async (client, parse, ct) =>
        {
            PrintRevision(parse, await client.DeleteAsync(parse.GetRequiredValue(key), parse.GetValue(expected), Timeout(parse), ct));
            return ExitCodes.Success;
        });
        return command;
    }

    private Command ExistsCommand()
    {
        var key = KeyArgument();
        var command = new Command("exists", "Print true or false; exit 0 if KEY exists, 1 if not") { key };
        SetAction(command, async (client, parse, ct) =>
        {
            var exists = await client.ExistsAsync(parse.GetRequiredValue(key), Timeout(parse), ct);
            if (Json(parse))
            {
                context.Output.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteBoolean("exists", exists);
                    json.WriteEndObject();
                });
            }
            else
            {
                context.Output.WriteLine(exists ? "true" : "false");
            }

            return exists ? ExitCodes.Success : ExitCodes.NotFoundOrConditionFailed;
        });
        return command;
    }

    private Command ScanCommand()
    {
        var prefix = new Argument<string>("PREFIX") { Description = "Only keys starting with this (default: all keys)", DefaultValueFactory = _ => "" };
        var limit = new Option<int?>("--limit") { Description = "Stop after this many keys" };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--limit must be at least 1");
        });
        var command = new Command("scan", "List keys in order as KEY<TAB>REVISION lines (with --json: an array of key, value, revision)")
        {
            prefix, limit,
        };
        SetAction(command, async (client, parse, ct) =>
        {
            var max = parse.GetValue(limit) ?? int.MaxValue;
            var entries = client.ScanAsync(parse.GetRequiredValue(prefix), Math.Min(max, Scan.MaxLimit), Timeout(parse), ct);
            if (Json(parse)) await PrintScanJsonAsync(entries, max, ct);
            else await PrintScanTextAsync(entries, max, ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private async Task PrintScanTextAsync(IAsyncEnumerable<KvEntry> entries, int max, CancellationToken ct)
    {
        var printed = 0;
        await foreach (var entry in entries.WithCancellation(ct))
        {
            context.Output.WriteLine($"{entry.Key}\t{entry.Revision}");
            if (++printed == max) break;
        }
    }

    // The array is written as pages arrive, so a large scan never has to fit in memory.
    private async Task PrintScanJsonAsync(IAsyncEnumerable<KvEntry> entries, int max, CancellationToken ct)
    {
        await using var json = context.Output.StartJson();
        json.WriteStartArray();
        var printed = 0;
        await foreach (var entry in entries.WithCancellation(ct))
        {
            JsonFormat.WriteEntry(json, entry.Key, entry.Value, entry.Revision);
            await json.FlushAsync(ct);
            if (++printed == max) break;
        }

        json.WriteEndArray();
        context.Output.EndJson(json);
    }

    private Command StatsCommand()
    {
        var command = new Command("stats",
            "Print the store's counters (keys, revision, journal and snapshot sequence, data directory, uptime) and the node's: cluster members, partitions hosted, their recovery times");
        SetAction(command, async (client, parse, ct) =>
        {
            var stats = await client.GetStatsAsync(Timeout(parse), ct);
            if (Json(parse))
            {
                context.Output.WriteJson(json => JsonFormat.WriteStats(json, stats));
                return ExitCodes.Success;
            }

            foreach (var line in TextFormat.StatsLines(stats)) context.Output.WriteLine(line);
            return ExitCodes.Success;
        });
        return command;
    }

    private Command ClusterCommand()
    {
        var members = new Command("members", "List the cluster's members: address, status, reachability, roles, partitions hosted");
        SetAction(members, async (client, parse, ct) => PrintMembers(parse, await client.GetClusterMembersAsync(Timeout(parse), ct)));

        var address = new Argument<string>("ADDRESS") { Description = "The member, as HOST:PORT (its remoting port) or akka.tcp://kv@HOST:PORT" };
        var leave = new Command("leave", "Ask a member to leave gracefully: its partitions are handed off, then it exits") { address };
        SetAction(leave, async (client, parse, ct) => PrintMembers(parse, await client.LeaveClusterAsync(parse.GetValue(address)!, Timeout(parse), ct)));
        var down = new Command("down", "Mark an unreachable member down so its partitions restart on the others") { address };
        SetAction(down, async (client, parse, ct) => PrintMembers(parse, await client.DownClusterMemberAsync(parse.GetValue(address)!, Timeout(parse), ct)));

        return new Command("cluster", "Cluster membership (the server must run with --seed-nodes)") { members, leave, down };
    }

    private int PrintMembers(ParseResult parse, ClusterMembers cluster)
    {
        if (Json(parse))
        {
            context.Output.WriteJson(json => JsonFormat.WriteMembers(json, cluster));
            return ExitCodes.Success;
        }

        foreach (var m in cluster.Members) context.Output.WriteLine(TextFormat.MemberLine(m, cluster.Leader));

        return ExitCodes.Success;
    }

    private Command ShellCommand()
    {
        var command = new Command("shell", "Interactive session over one connection: type commands line by line (help, quit)");
        SetAction(command, (client, parse, ct) => new KvShell(context, client, ServerOf(parse), Json(parse)).RunAsync(ct));
        return command;
    }

    /// <summary>Runs a command with a client: the shell's, or a fresh connection closed afterwards.</summary>
    private void SetAction(Command command, Func<KvClient, ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                if (context.ShellClient is { } shared) return await action(shared, parse, ct);
                var options = new KvClientOptions { LogLevel = "OFF" };
                if (Timeout(parse) is { } timeout) options = options with { Timeout = timeout };
                var servers = ServerOf(parse).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                await using var client = await KvClient.ConnectAsync(servers, options, ct);
                return await action(client, parse, ct);
            }
            catch (Exception e)
            {
                return context.Fail(e);
            }
        });

    private void PrintRevision(ParseResult parse, long revision)
    {
        if (Json(parse)) context.Output.WriteJson(json => JsonFormat.WriteRevision(json, revision));
        else context.Output.WriteLine(revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private string ServerOf(ParseResult parse) =>
        parse.GetValue(_server) ?? (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultServer);

    private TimeSpan? Timeout(ParseResult parse) => parse.GetValue(_timeout);

    private bool Json(ParseResult parse) => parse.GetValue(_json) || context.ShellJson;

    private static Argument<string> KeyArgument() => new("KEY") { Description = "The key (UTF-8 text, 1 to 4096 bytes)" };

    private static Option<long?> ExpectRevisionOption() =>
        new("--expect-revision") { Description = "Only if KEY is at this revision (0: only if KEY does not exist)" };

    private static TimeSpan? ParseTimeout(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens[^1].Value;
        if (Durations.TryParse(text, out var timeout)) return timeout;
        result.AddError($"--timeout: '{text}' is not a duration (examples: 5s, 500ms, 1m)");
        return null;
    }
}
