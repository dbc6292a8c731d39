namespace KvActors.Resp.Commands;

/// <summary>Translates one parsed command into what to do; throws <see cref="CommandException"/> for bad input.</summary>
internal delegate CommandAction CommandHandler(CommandArgs args, CommandContext context);

/// <summary>
/// A command the server knows, with Redis's arity convention (N: exactly N words including the name; -N: at least N)
/// and key positions, which COMMAND reports to clients such as redis-cli.
/// </summary>
internal sealed record CommandSpec(
    string Name, int Arity, CommandFlags Flags, int FirstKey, int LastKey, int KeyStep, CommandHandler Handler)
{
    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count == Arity : count >= -Arity;
}
