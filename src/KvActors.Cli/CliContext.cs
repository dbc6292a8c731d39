using KvActors.Client;

namespace KvActors.Cli;

/// <summary>
/// What one run of <c>kv</c> works with: the standard streams and, inside the shell, the one client and the
/// defaults every shell line shares.
/// </summary>
internal sealed class CliContext(Stream input, Stream output, TextWriter error, bool interactive)
{
    public Stream Input { get; } = input;

    public CliOutput Output { get; } = new(output);

    public TextWriter Error { get; } = error;

    /// <summary>A person is typing (standard input is a terminal): the shell shows prompts.</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>Set while the shell runs; every command reuses it instead of connecting.</summary>
    public KvClient? ShellClient { get; set; }

    /// <summary><c>kv --json shell</c> makes JSON the default for every shell line.</summary>
    public bool ShellJson { get; set; }

    public bool InShell => ShellClient is not null;

    /// <summary>Reports a failure as one line on standard error and returns the exit code it maps to.</summary>
    public int Fail(Exception exception)
    {
        var (code, message) = exception switch
        {
            KvNotFoundException or KvAlreadyExistsException or KvRevisionMismatchException => (ExitCodes.NotFoundOrConditionFailed, exception.Message),
            // .NET appends " (Parameter 'name')" to argument errors: noise for someone at a terminal.
            ArgumentException { ParamName: { } name } => (ExitCodes.Error, exception.Message.Replace($" (Parameter '{name}')", "")),
            KvException or CliUsageException or ArgumentException or IOException or UnauthorizedAccessException => (ExitCodes.Error, exception.Message),
            OperationCanceledException => (ExitCodes.Error, "cancelled"),
            _ => (ExitCodes.Error, $"unexpected error: {exception.GetType().Name}: {exception.Message}"),
        };
        Error.WriteLine((InShell ? "(error) " : "kv: ") + OneLine(message));
        return code;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
