using System.Text;

namespace KvActors.Cli;

/// <summary>
/// Where a written value comes from: the VALUE argument (as UTF-8), --file, or standard input (as bytes): when VALUE
/// is <c>-</c>, or when neither is given and standard input is a pipe or a file (never a terminal, where a person
/// would be left typing into a command that seems to hang).
/// </summary>
internal static class ValueInput
{
    public const string StandardInput = "-";

    /// <param name="stdin">Null in the shell, whose standard input carries commands, not values.</param>
    /// <param name="stdinIsTerminal">Standard input is a terminal: reading it needs an explicit <c>-</c>.</param>
    public static async Task<byte[]> ReadAsync(string? argument, string? file, Stream? stdin, bool stdinIsTerminal, CancellationToken cancellationToken)
    {
        if (argument is not null && file is not null) throw new CliUsageException("give the value as an argument or with --file, not both");
        if (argument is not null && (argument != StandardInput || stdin is null)) return Encoding.UTF8.GetBytes(argument);
        if (file is not null) return await File.ReadAllBytesAsync(file, cancellationToken);
        if (stdin is null) throw new CliUsageException("a value is required: KEY VALUE or KEY --file PATH");
        if (argument is null && stdinIsTerminal)
            throw new CliUsageException("a value is required: KEY VALUE, KEY --file PATH, or KEY - to read it from standard input");

        using var buffer = new MemoryStream();
        await stdin.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
