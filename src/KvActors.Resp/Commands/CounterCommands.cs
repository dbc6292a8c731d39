using System.Buffers.Text;
using KvActors.Protocol;
using KvActors.Resp.Execution;
using KvActors.Resp.Protocol;
using static KvActors.Resp.Commands.CommandFlags;

namespace KvActors.Resp.Commands;

/// <summary>INCR and friends: the store does the arithmetic on the decimal text, so concurrent increments never race.</summary>
internal static class CounterCommands
{
    public static IEnumerable<CommandSpec> Specs =>
    [
        new("incr", 2, Write | Fast, 1, 1, 1, (a, _) => Increment(a.Key(1), 1)),
        new("decr", 2, Write | Fast, 1, 1, 1, (a, _) => Increment(a.Key(1), -1)),
        new("incrby", 3, Write | Fast, 1, 1, 1, (a, _) => Increment(a.Key(1), a.Integer(2))),
        new("decrby", 3, Write | Fast, 1, 1, 1, DecrBy),
        new("incrbyfloat", 3, Write | Fast, 1, 1, 1, IncrByFloat),
    ];

    private static CommandAction DecrBy(CommandArgs args, CommandContext context)
    {
        var key = args.Key(1);
        var delta = args.Integer(2);
        if (delta == long.MinValue) throw new CommandException("ERR decrement would overflow");
        return Increment(key, -delta);
    }

    private static CommandAction Increment(string key, long delta) =>
        CommandAction.Of(StorePlan.One(new Increment(key, delta), reply => reply switch
        {
            Found found when Utf8Parser.TryParse(found.Value, out long value, out var used) && used == found.Value.Length =>
                RespValue.From(value),
            KvError error => RespErrors.From(error, ValueKind.Integer),
            _ => StoreReplies.Unexpected(reply),
        }));

    // The reply is the store's text of the new value (shortest round-trip form, "10.5", "3"), as a bulk string.
    private static CommandAction IncrByFloat(CommandArgs args, CommandContext context)
    {
        var key = args.Key(1);
        var delta = args.Float(2);
        if (double.IsInfinity(delta)) throw new CommandException(RespErrors.FloatOverflow);
        return CommandAction.Of(StorePlan.One(new IncrementFloat(key, delta), reply => reply switch
        {
            Found found => RespValue.Bulk(found.Value),
            KvError error => RespErrors.From(error, ValueKind.Float),
            _ => StoreReplies.Unexpected(reply),
        }));
    }
}
