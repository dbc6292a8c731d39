using System.Text;
using KvActors.Client;

namespace KvActors.Cli.Shell;

/// <summary>
/// <c>kv shell</c>: reads commands line by line, like redis-cli, and runs each with the one client the shell
/// connected. Prompts appear only when a person is typing, so piped input gives clean output.
/// </summary>
internal sealed class KvShell(CliContext context, KvClient client, string server, bool json, KvCommandLine commandLine)
{
    private static readonly (string Usage, string Description)[] ShellOnly =
    [
        ("history", "the commands typed so far"),
        ("help", "this text"),
        ("quit, exit", "leave"),
    ];

    private readonly List<string> _history = [];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        context.ShellClient = client;
        context.ShellJson = json;
        try
        {
            using var input = new StreamReader(context.Input, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            while (true)
            {
                if (context.Interactive) context.Output.Write($"{server}> ");
                var line = await input.ReadLineAsync(cancellationToken);
                if (line is null) break;
                if (!await RunLineAsync(line.Trim(), cancellationToken)) break;
            }

            return ExitCodes.Success;
        }
        finally
        {
            context.ShellClient = null;
            context.ShellJson = false;
        }
    }

    /// <summary>Runs one line; false when the user asked to leave.</summary>
    private async Task<bool> RunLineAsync(string line, CancellationToken cancellationToken)
    {
        if (line.Length == 0) return true;
        _history.Add(line);

        List<string> words;
        try
        {
            words = ShellWords.Split(line);
        }
        catch (CliUsageException e)
        {
            context.Fail(e);
            return true;
        }

        // Commands are case-insensitive, as in redis-cli; keys and values are not.
        words[0] = words[0].ToLowerInvariant();
        switch (words[0])
        {
            case "quit" or "exit":
                return false;
            case "help" or "?":
                context.Output.WriteLine(Help());
                return true;
            case "history":
                for (var i = 0; i < _history.Count; i++) context.Output.WriteLine($"{i + 1,5}  {_history[i]}");
                return true;
        }

        await commandLine.InvokeAsync(commandLine.ParseShellLine(words), ownsTermination: false, cancellationToken);
        return true;
    }

    /// <summary>
    /// Every command a shell line accepts, from the commands themselves (so help cannot miss one): usage, then what
    /// it does.
    /// </summary>
    private string Help()
    {
        var lines = new List<(string Usage, string Description)>();
        foreach (var command in commandLine.ShellRoot().Subcommands)
        {
            if (command.Subcommands.Count == 0) lines.Add((Usage(command, command.Name), command.Description ?? ""));
            foreach (var sub in command.Subcommands) lines.Add((Usage(sub, $"{command.Name} {sub.Name}"), sub.Description ?? ""));
        }

        lines.AddRange(ShellOnly);
        var width = lines.Max(l => l.Usage.Length) + 2;
        var text = new StringBuilder("Commands (quote words with blanks: \"hello world\" or 'hello world'):\n");
        foreach (var (usage, description) in lines) text.Append("  ").Append(usage.PadRight(width)).Append(description).Append('\n');
        text.Append("Every command takes --json and --timeout; COMMAND --help shows its details.");
        return text.ToString();
    }

    private static string Usage(System.CommandLine.Command command, string name)
    {
        var usage = new StringBuilder(name);
        foreach (var argument in command.Arguments)
            usage.Append(argument.Arity.MinimumNumberOfValues == 0 ? $" [{argument.Name}]" : $" {argument.Name}");
        foreach (var option in command.Options.Where(o => o.Name is not ("--help" or "-h" or "-?")))
            usage.Append(option.ValueType == typeof(bool) ? $" [{option.Name}]" : $" [{option.Name} {option.HelpName ?? "N"}]");
        return usage.ToString();
    }
}
