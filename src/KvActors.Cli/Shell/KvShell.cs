using System.Text;
using KvActors.Client;

namespace KvActors.Cli.Shell;

/// <summary>
/// <c>kv shell</c>: reads commands line by line, like redis-cli, and runs each with the one client the shell
/// connected. Prompts appear only when a person is typing, so piped input gives clean output.
/// </summary>
internal sealed class KvShell(CliContext context, KvClient client, string server, bool json)
{
    private const string Help = """
        Commands (quote words with blanks: "hello world" or 'hello world'):
          get KEY                                  print the value
          set KEY VALUE [--expect-revision N]      set (with N: only if KEY is at revision N, 0 = absent)
          create KEY VALUE                         create; fails if KEY exists
          update KEY VALUE [--expect-revision N]   replace the value of an existing KEY
          del KEY [--expect-revision N]            delete
          exists KEY                               true or false
          scan [PREFIX] [--limit N]                keys and revisions, in order
          stats                                    store counters; this node's members, partitions, recovery times
          history                                  the commands typed so far
          help                                     this text
          quit, exit                               leave
        Every command takes --json and --timeout; COMMAND --help shows its details. --file PATH reads a value from a file.
        """;

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
                context.Output.WriteLine(Help);
                return true;
            case "history":
                for (var i = 0; i < _history.Count; i++) context.Output.WriteLine($"{i + 1,5}  {_history[i]}");
                return true;
        }

        var commandLine = new KvCommandLine(context);
        await commandLine.InvokeAsync(commandLine.ParseShellLine(words), ownsTermination: false, cancellationToken);
        return true;
    }
}
