namespace KvActors.Cli;

/// <summary>
/// The <c>kv</c> tool as a method: everything it reads and writes goes through the given streams, so tests run it
/// in-process exactly as the executable does.
/// </summary>
public static class KvCli
{
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdin">Values for set/create/update without VALUE or --file; commands for <c>shell</c>.</param>
    /// <param name="stdout">Results: values as raw bytes, or text and JSON lines.</param>
    /// <param name="stderr">At most one line per failure.</param>
    /// <param name="interactive">Standard input is a terminal: the shell prints prompts.</param>
    /// <returns>An exit code from <see cref="ExitCodes"/>.</returns>
    public static Task<int> RunAsync(
        string[] args,
        Stream stdin,
        Stream stdout,
        TextWriter stderr,
        bool interactive = false,
        CancellationToken cancellationToken = default)
    {
        var commandLine = new KvCommandLine(new CliContext(stdin, stdout, stderr, interactive));
        return commandLine.InvokeAsync(commandLine.Parse(args), ownsTermination: true, cancellationToken);
    }
}
