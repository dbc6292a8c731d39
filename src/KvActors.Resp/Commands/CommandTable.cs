namespace KvActors.Resp.Commands;

/// <summary>Every command the server knows, looked up by name without allocating (names are ASCII, any case).</summary>
internal static class CommandTable
{
    private const int LongestName = 32;

    private static readonly Dictionary<string, CommandSpec> ByName = StringCommands.Specs
        .Concat(CounterCommands.Specs)
        .Concat(KeyCommands.Specs)
        .Concat(ExpiryCommands.Specs)
        .Concat(TransactionCommands.Specs)
        .Concat(ConnectionCommands.Specs)
        .Concat(ServerCommands.Specs)
        .ToDictionary(spec => spec.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, CommandSpec>.AlternateLookup<ReadOnlySpan<char>> ByNameSpan =
        ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    public static IReadOnlyCollection<CommandSpec> All => ByName.Values;

    public static CommandSpec? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length > LongestName) return null;
        Span<char> chars = stackalloc char[name.Length];
        for (var i = 0; i < name.Length; i++) chars[i] = (char)name[i];
        return ByNameSpan.TryGetValue(chars, out var spec) ? spec : null;
    }
}
