using System.Text;

namespace KvActors.Cli;

/// <summary>Where a written value comes from: the VALUE argument (as UTF-8), --file, or standard input (as bytes).</summary>
internal static class ValueInput
{
    /// <param name="stdin">Null in the shell, whose standard input carries commands, not values.</param>
    public static async Task<byte[]> ReadAsync(string? argument, string? file, Stream? stdin, CancellationToken cancellationToken)
    {
        if (argument is not null && file is not null) throw new CliUsageException("give the value as an argument or with --file, not both");
        if (argument is not null) return Encoding.UTF8.GetBytes(argument);
        if (file is not null) return await File.ReadAllBytesAsync(file, cancellationToken);
        if (stdin is null) throw new CliUsageException("a value is required: KEY VALUE or KEY --file PATH");

        using var buffer = new MemoryStream();
        await stdin.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
