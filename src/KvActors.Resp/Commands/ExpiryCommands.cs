using KvActors.Protocol;
using KvActors.Resp.Execution;
using KvActors.Resp.Protocol;
using static KvActors.Resp.Commands.CommandFlags;

namespace KvActors.Resp.Commands;

/// <summary>Setting, removing and reading time-to-live.</summary>
internal static class ExpiryCommands
{
    public static IEnumerable<CommandSpec> Specs =>
    [
        new("expire", -3, Write | Fast, 1, 1, 1, (a, c) => Expire(a, c, relative: true, seconds: true)),
        new("pexpire", -3, Write | Fast, 1, 1, 1, (a, c) => Expire(a, c, relative: true, seconds: false)),
        new("expireat", -3, Write | Fast, 1, 1, 1, (a, c) => Expire(a, c, relative: false, seconds: true)),
        new("pexpireat", -3, Write | Fast, 1, 1, 1, (a, c) => Expire(a, c, relative: false, seconds: false)),
        new("persist", 2, Write | Fast, 1, 1, 1, Persist),
        new("ttl", 2, ReadOnly | Fast, 1, 1, 1, (a, c) => ReadExpiry(a, c, remaining: true, seconds: true)),
        new("pttl", 2, ReadOnly | Fast, 1, 1, 1, (a, c) => ReadExpiry(a, c, remaining: true, seconds: false)),
        new("expiretime", 2, ReadOnly | Fast, 1, 1, 1, (a, c) => ReadExpiry(a, c, remaining: false, seconds: true)),
        new("pexpiretime", 2, ReadOnly | Fast, 1, 1, 1, (a, c) => ReadExpiry(a, c, remaining: false, seconds: false)),
    ];

    // EXPIRE key ttl [NX|XX|GT|LT]: 1 if the expiry was set, 0 if the key is missing or the condition did not hold.
    // A time in the past deletes the key (and counts as set), as in Redis.
    private static CommandAction Expire(CommandArgs args, CommandContext context, bool relative, bool seconds)
    {
        var key = args.Key(1);
        var at = ExpiryArguments.ToUnixMs(args.Integer(2), relative, seconds, args, context.NowUnixMs);
        var condition = Condition(args);
        return CommandAction.Of(StorePlan.One(new SetExpiry(key, at, condition), Applied));
    }

    // PERSIST: 1 only if there was an expiry to remove.
    private static CommandAction Persist(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(new SetExpiry(args.Key(1), null, ExpiryCondition.IfAny), Applied));

    // TTL/PTTL (time left) and EXPIRETIME/PEXPIRETIME (the absolute time): -2 for a missing key, -1 without expiry.
    private static CommandAction ReadExpiry(CommandArgs args, CommandContext context, bool remaining, bool seconds) =>
        CommandAction.Of(StorePlan.One(new Get(args.Key(1)), reply => reply switch
        {
            Found { ExpiresAtUnixMs: null } => RespValue.From(-1),
            Found { ExpiresAtUnixMs: { } at } when remaining => RespValue.From(Remaining(at, context.NowUnixMs, seconds)),
            Found { ExpiresAtUnixMs: { } at } => RespValue.From(seconds ? (at + 500) / 1000 : at),
            KvError { Code: ErrorCode.NotFound } => RespValue.From(-2),
            KvError error => RespErrors.From(error),
            _ => StoreReplies.Unexpected(reply),
        }));

    // Redis rounds TTL to the nearest second and never reports a negative time left for a live key.
    private static long Remaining(long atUnixMs, long nowUnixMs, bool seconds)
    {
        var ms = Math.Max(0, atUnixMs - nowUnixMs);
        return seconds ? (ms + 500) / 1000 : ms;
    }

    private static RespValue Applied(IKvReply reply) => reply switch
    {
        ExpiryResult result => RespValue.From(result.Applied),
        KvError { Code: ErrorCode.NotFound } => RespValue.Zero,
        KvError error => RespErrors.From(error),
        _ => StoreReplies.Unexpected(reply),
    };

    private static ExpiryCondition Condition(CommandArgs args)
    {
        bool nx = false, xx = false, gt = false, lt = false;
        for (var i = 3; i < args.Count; i++)
        {
            if (args.Is(i, "NX")) nx = true;
            else if (args.Is(i, "XX")) xx = true;
            else if (args.Is(i, "GT")) gt = true;
            else if (args.Is(i, "LT")) lt = true;
            else throw new CommandException($"ERR Unsupported option {args.Text(i)}");
        }

        if (nx && (xx || gt || lt)) throw new CommandException("ERR NX and XX, GT or LT options at the same time are not compatible");
        if (gt && lt) throw new CommandException("ERR GT and LT options at the same time are not compatible");
        // No expiry counts as infinitely late, so GT never applies to a key without one: XX GT is just GT. XX LT
        // ("has an expiry and the new one is earlier") has no single store condition, so it is refused, not approximated.
        if (xx && gt) return ExpiryCondition.IfLater;
        if (xx && lt) throw new CommandException("ERR XX and LT options together are not supported");
        return nx ? ExpiryCondition.IfNone
            : xx ? ExpiryCondition.IfAny
            : gt ? ExpiryCondition.IfLater
            : lt ? ExpiryCondition.IfEarlier
            : ExpiryCondition.Always;
    }
}
