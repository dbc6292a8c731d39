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
internal sealed partial class KvCommandLine(CliContext context)
{
    public const string DefaultServer = "127.0.0.1:4053";
    public const string ServerVariable = "KV_SERVER";

    // "@name" must stay a key, not become a response file to read arguments from.
    private static readonly ParserConfiguration ParserSettings = new() { ResponseFileTokenReplacer = null };

    private readonly Option<string?> _server = new("--server")
    {
        HelpName = "HOST:PORT",
        Description = $"Server as HOST:PORT or akka.tcp://kv@HOST:PORT; several cluster nodes comma-separated (default: ${ServerVariable}, else {DefaultServer})",
        Recursive = true,
    };

    private readonly Option<TimeSpan?> _timeout = new("--timeout")
    {
        HelpName = "DURATION",
        Description = "Longest wait for the server, e.g. 5s, 500ms, 1m (default 5s)",
        Recursive = true,
        CustomParser = ParseTimeout,
    };

    private readonly Option<bool> _json = new("--json") { Description = "Print JSON instead of text", Recursive = true };

    private readonly Option<ReadConsistency> _consistency = new("--consistency")
    {
        HelpName = "linearizable|stale",
        Description = "Reads (get, exists, scan) see every acknowledged write (linearizable, the default), or come from the nearest " +
                      "replica of a Raft cluster, possibly behind, and are served while a partition has no leader (stale)",
        Recursive = true,
        DefaultValueFactory = _ => ReadConsistency.Linearizable,
        CustomParser = ParseConsistency,
    };

    /// <summary>The full command line: global options, data commands, and <c>shell</c>.</summary>
    public ParseResult Parse(IReadOnlyList<string> args)
    {
        var root = new RootCommand("Command-line client of the KvActors key-value store") { _server, _timeout, _json, _consistency };
        foreach (var command in DataCommands()) root.Subcommands.Add(command);
        root.Subcommands.Add(ClusterCommand());
        root.Subcommands.Add(ShellCommand());
        return root.Parse(args, ParserSettings);
    }

    /// <summary>One shell line: the data commands only, with --timeout and --json (the server is already chosen).</summary>
    public ParseResult ParseShellLine(IReadOnlyList<string> words)
    {
        return ShellRoot().Parse(words, ParserSettings);
    }

    /// <summary>What a shell line may be: the data commands and <c>cluster</c>, with --timeout and --json.</summary>
    public RootCommand ShellRoot()
    {
        var root = new RootCommand("KvActors shell") { _timeout, _json };
        foreach (var command in DataCommands()) root.Subcommands.Add(command);
        root.Subcommands.Add(ClusterCommand());
        return root;
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
        CounterCommand("incr", +1),
        CounterCommand("decr", -1),
        ExpireCommand(),
        PersistCommand(),
        BackupCommand(),
    ];

    // set is a write command with one more option: --ttl.
    private Command SetCommand()
    {
        var ttl = new Option<TimeSpan?>("--ttl")
        {
            HelpName = "DURATION",
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
        if (Durations.Parse(text, longUnits: true, out var ttl) is not { } why) return ttl;
        var hint = Durations.TryParse(text.Trim().TrimStart('-'), out _) || text.Trim() is "0" ? " (for no expiry leave the TTL out; kv persist KEY removes one)" : "";
        result.AddError($"{result.Argument.Name}: {why}{hint}");
        return null;
    }

    private static TimeSpan ParseTtlArgument(System.CommandLine.Parsing.ArgumentResult result) => ParseTtl(result) ?? default;

    /// <summary>A whole number, with an error that names the option and the text instead of a .NET type.</summary>
    private static long? ParseWhole(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens[^1].Value;
        if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number)) return number;
        var name = result.Parent is System.CommandLine.Parsing.OptionResult option ? option.Option.Name : result.Argument.Name;
        result.AddError($"{name}: '{text}' is not a whole number");
        return null;
    }

    private static Option<long?> WholeOption(string name, string description) => new(name) { Description = description, CustomParser = ParseWhole };

    private Command CounterCommand(string name, int sign)
    {
        var key = KeyArgument();
        var by = new Argument<long?>("BY")
        {
            Description = $"How much to {(sign > 0 ? "add" : "subtract")} (default 1)",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = ParseWhole,
        };
        var command = new Command(name,
            $"{(sign > 0 ? "Add BY (default 1) to" : "Subtract BY (default 1) from")} the integer at KEY, atomically (a missing KEY counts as 0); prints the result")
        {
            key, by,
        };
        SetAction(command, async (client, parse, ct) =>
        {
            var amount = parse.GetValue(by) ?? 1;
            if (sign < 0 && amount == long.MinValue) throw new CliUsageException($"BY: {amount} cannot be subtracted");
            var result = await client.IncrementAsync(parse.GetRequiredValue(key), sign * amount, Timeout(parse), ct);
            if (Json(parse))
            {
                context.Output.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteNumber("value", result);
                    json.WriteEndObject();
                });
            }
            else
            {
                context.Output.WriteLine(result.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private Command ExpireCommand()
    {
        var key = KeyArgument();
        var ttl = new Argument<TimeSpan>("TTL") { Description = "How long from now, e.g. 10s, 5m, 2h, 7d", CustomParser = ParseTtlArgument };
        var command = new Command("expire", "Make KEY expire TTL from now (replaces its TTL); exit 1 if KEY does not exist") { key, ttl };
        SetAction(command, async (client, parse, ct) =>
            PrintApplied(parse, await client.ExpireAsync(parse.GetRequiredValue(key), parse.GetValue(ttl), Timeout(parse), ct)));
        return command;
    }

    private Command PersistCommand()
    {
        var key = KeyArgument();
        var command = new Command("persist", "Remove the TTL of KEY; prints true, or false if it had none; exit 1 if KEY does not exist") { key };
        SetAction(command, async (client, parse, ct) =>
            PrintApplied(parse, await client.PersistAsync(parse.GetRequiredValue(key), Timeout(parse), ct)));
        return command;
    }

    private int PrintApplied(ParseResult parse, bool applied)
    {
        if (Json(parse))
        {
            context.Output.WriteJson(json =>
            {
                json.WriteStartObject();
                json.WriteBoolean("applied", applied);
                json.WriteEndObject();
            });
        }
        else
        {
            context.Output.WriteLine(applied ? "true" : "false");
        }

        return ExitCodes.Success;
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
            Description = "The value as text (UTF-8); - reads standard input as bytes, as does leaving VALUE and --file out when standard input is a pipe or file",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var file = new Option<string?>("--file") { HelpName = "PATH", Description = "Read the value from this file (bytes as they are)" };
        var expected = ExpectRevisionOption();
        var command = new Command(name, description) { key, value, file };
        if (withExpectedRevision) command.Options.Add(expected);
        SetAction(command, async (client, parse, ct) =>
        {
            // In the shell, standard input carries the commands themselves.
            var stdin = context.InShell ? null : context.Input;
            var bytes = await ValueInput.ReadAsync(parse.GetValue(value), parse.GetValue(file), stdin, stdinIsTerminal: context.Interactive, ct);
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
        var prefix = new Argument<string>("PREFIX")
        {
            Description = "Only keys starting with this (default: all keys)",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "",
        };
        var limit = WholeOption("--limit", "Stop after this many keys");
        limit.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && long.TryParse(result.Tokens[^1].Value, out var max) && max < 1) result.AddError("--limit: must be at least 1");
        });
        var command = new Command("scan", "List keys in order as KEY<TAB>REVISION lines (with --json: an array of key, value, revision)")
        {
            prefix, limit,
        };
        SetAction(command, async (client, parse, ct) =>
        {
            var max = (int)Math.Min(parse.GetValue(limit) ?? int.MaxValue, int.MaxValue);
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
        var force = new Option<bool>("--force") { Description = "Down the member even if it is reachable (it is removed while it runs; prefer leave)" };
        var down = new Command("down", "Mark an unreachable member down so its partitions restart on the others; refuses a reachable member without --force")
        {
            address, force,
        };
        SetAction(down, async (client, parse, ct) =>
        {
            var target = parse.GetValue(address)!;
            if (!parse.GetValue(force))
            {
                var cluster = await client.GetClusterMembersAsync(Timeout(parse), ct);
                var wanted = KvAddress.OfMember(target);
                if (cluster.Members.FirstOrDefault(m => string.Equals(m.Address, wanted, StringComparison.OrdinalIgnoreCase)) is { Reachable: true } member)
                {
                    throw new CliUsageException(
                        $"{member.Address} is reachable ({member.Status}); down is for a member that cannot be reached. Use 'kv cluster leave {target}' to remove it gracefully, or --force to down it anyway");
                }
            }

            return PrintMembers(parse, await client.DownClusterMemberAsync(target, Timeout(parse), ct));
        });

        var partitions = new Command("partitions",
            "Raft cluster: each partition's replicas, their nodes and roles, the leader's term and commit index, and how far each replica lags");
        SetAction(partitions, async (client, parse, ct) => PrintReplicas(parse, await client.GetPartitionReplicasAsync(Timeout(parse), ct)));

        return new Command("cluster", "Cluster membership and replicas (the server must run with --seed-nodes)") { members, partitions, leave, down };
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

    private int PrintReplicas(ParseResult parse, PartitionReplicas replicas)
    {
        if (Json(parse)) context.Output.WriteJson(json => JsonFormat.WriteReplicas(json, replicas));
        else foreach (var line in TextFormat.ReplicaLines(replicas)) context.Output.WriteLine(line);
        return ExitCodes.Success;
    }

    private Command ShellCommand()
    {
        var command = new Command("shell", "Interactive session over one connection: type commands line by line (help, quit); starts even while the server is down");
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                await using var client = await KvClient.CreateAsync(Servers(parse), ClientOptions(parse), ct);
                try
                {
                    await client.EnsureConnectedAsync(cancellationToken: ct);
                }
                catch (KvUnavailableException e)
                {
                    // Like redis-cli: the shell runs anyway, and each command tries to connect until one succeeds.
                    context.Error.WriteLine($"(not connected) {e.Message}; each command tries again");
                }

                return await new KvShell(context, client, ServerOf(parse), Json(parse), this).RunAsync(ct);
            }
            catch (Exception e)
            {
                return context.Fail(e);
            }
        });
        return command;
    }

    /// <summary>Runs a command with a client: the shell's, or a fresh connection closed afterwards.</summary>
    private void SetAction(Command command, Func<KvClient, ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                if (context.ShellClient is { } shared) return await action(shared, parse, ct);
                await using var client = await ConnectAsync(parse, ct);
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

    private CliContext Context => context;

    private KvClientOptions ClientOptions(ParseResult parse)
    {
        var options = new KvClientOptions { LogLevel = "OFF", Reads = parse.GetValue(_consistency) };
        return Timeout(parse) is { } timeout ? options with { Timeout = timeout } : options;
    }

    private IReadOnlyList<string> Servers(ParseResult parse) => ServerNames.Expand(ServerOf(parse));

    // A server given by name (localhost:4053) is tried at the addresses the name resolves to first: a server is
    // reachable only under the host it binds (127.0.0.1 by default), which a name is not, even when it resolves to it.
    private async Task<KvClient> ConnectAsync(ParseResult parse, CancellationToken ct)
    {
        var given = ServerOf(parse);
        try
        {
            return await KvClient.ConnectAsync(Servers(parse), ClientOptions(parse), ct);
        }
        catch (KvUnavailableException e) when (ServerNames.HasNames(given) && e.Message.Contains("no reply", StringComparison.Ordinal))
        {
            throw new KvUnavailableException(
                $"{e.Message}. A server answers only at the host it binds (its log says 'KvActors serving at akka.tcp://kv@HOST:PORT'); give that HOST:PORT");
        }
    }

    private string ServerOf(ParseResult parse) =>
        parse.GetValue(_server) ?? (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultServer);

    private TimeSpan? Timeout(ParseResult parse) => parse.GetValue(_timeout);

    private bool Json(ParseResult parse) => parse.GetValue(_json) || context.ShellJson;

    private static Argument<string> KeyArgument() => new("KEY") { Description = "The key (UTF-8 text, 1 to 4096 bytes)" };

    private static Option<long?> ExpectRevisionOption() =>
        WholeOption("--expect-revision", "Only if KEY is at this revision (0: only if KEY does not exist)");

    private static ReadConsistency ParseConsistency(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens[^1].Value;
        foreach (var consistency in Enum.GetValues<ReadConsistency>())
        {
            if (string.Equals(text, consistency.ToString(), StringComparison.OrdinalIgnoreCase)) return consistency;
        }

        result.AddError($"--consistency must be linearizable or stale, not '{text}'");
        return ReadConsistency.Linearizable;
    }

    private static TimeSpan? ParseTimeout(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens[^1].Value;
        if (Durations.Parse(text, longUnits: false, out var timeout) is not { } why) return timeout;
        result.AddError($"--timeout: {why}");
        return null;
    }
}
