namespace KvActors.Cli;

/// <summary>The command line asks for something impossible; the message is shown to the user as is.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
