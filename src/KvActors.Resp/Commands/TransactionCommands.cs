using KvActors.Resp.Protocol;
using static KvActors.Resp.Commands.CommandFlags;

namespace KvActors.Resp.Commands;

/// <summary>MULTI/EXEC/DISCARD. WATCH is refused: optimistic locking across round trips is not offered (yet).</summary>
internal static class TransactionCommands
{
    public static IEnumerable<CommandSpec> Specs =>
    [
        new("multi", 1, Fast | TransactionControl, 0, 0, 0, Multi),
        new("exec", 1, TransactionControl, 0, 0, 0, Exec),
        new("discard", 1, Fast | TransactionControl, 0, 0, 0, Discard),
        new("watch", -2, Fast | TransactionControl, 1, -1, 1, Watch),
        new("unwatch", 1, Fast | TransactionControl, 0, 0, 0, (_, _) => CommandAction.Of(RespValue.Ok)),
    ];

    private static CommandAction Multi(CommandArgs args, CommandContext context)
    {
        if (context.Session.Transaction is not null) throw new CommandException("ERR MULTI calls can not be nested");
        context.Session.Transaction = new Transaction();
        return CommandAction.Of(RespValue.Ok);
    }

    private static CommandAction Exec(CommandArgs args, CommandContext context)
    {
        var transaction = context.Session.Transaction ?? throw new CommandException("ERR EXEC without MULTI");
        context.Session.Transaction = null;
        if (transaction.Aborted) throw new CommandException("EXECABORT Transaction discarded because of previous errors.");
        return transaction.ToExec();
    }

    private static CommandAction Discard(CommandArgs args, CommandContext context)
    {
        if (context.Session.Transaction is null) throw new CommandException("ERR DISCARD without MULTI");
        context.Session.Transaction = null;
        return CommandAction.Of(RespValue.Ok);
    }

    private static CommandAction Watch(CommandArgs args, CommandContext context) =>
        throw new CommandException(context.Session.Transaction is null
            ? "ERR WATCH is not supported by this server"
            : "ERR WATCH inside MULTI is not allowed");
}
