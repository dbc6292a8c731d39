using KvActors.Protocol;
using KvActors.Resp.Execution;
using KvActors.Resp.Protocol;
using static KvActors.Resp.Commands.CommandFlags;

namespace KvActors.Resp.Commands;

/// <summary>The string commands: reading and writing whole values and parts of them.</summary>
internal static class StringCommands
{
    public static IEnumerable<CommandSpec> Specs =>
    [
        new("get", 2, ReadOnly | Fast, 1, 1, 1, Get),
        new("set", -3, Write, 1, 1, 1, Set),
        new("setnx", 3, Write | Fast, 1, 1, 1, SetNx),
        new("setex", 4, Write, 1, 1, 1, (a, c) => SetWithTtl(a, c, seconds: true)),
        new("psetex", 4, Write, 1, 1, 1, (a, c) => SetWithTtl(a, c, seconds: false)),
        new("getset", 3, Write | Fast, 1, 1, 1, GetSet),
        new("getdel", 2, Write | Fast, 1, 1, 1, GetDel),
        new("getex", -2, Write | Fast, 1, 1, 1, GetEx),
        new("mget", -2, ReadOnly | Fast, 1, -1, 1, MGet),
        new("mset", -3, Write, 1, -1, 2, MSet),
        new("msetnx", -3, Write, 1, -1, 2, MSetNx),
        new("append", 3, Write | Fast, 1, 1, 1, Append),
        new("strlen", 2, ReadOnly | Fast, 1, 1, 1, StrLen),
        new("getrange", 4, ReadOnly, 1, 1, 1, GetRange),
        new("setrange", 4, Write, 1, 1, 1, SetRange),
    ];

    private static CommandAction Get(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(new Get(args.Key(1)), StoreReplies.ValueOrNil));

    // SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]
    private static CommandAction Set(CommandArgs args, CommandContext context)
    {
        var key = args.Key(1);
        var value = args[2];
        bool ifAbsent = false, ifPresent = false, returnPrevious = false, expirySet = false;
        var expiry = Expiry.Never;
        for (var i = 3; i < args.Count; i++)
        {
            if (args.Is(i, "NX") && !ifPresent) ifAbsent = true;
            else if (args.Is(i, "XX") && !ifAbsent) ifPresent = true;
            else if (args.Is(i, "GET")) returnPrevious = true;
            else if (args.Is(i, "KEEPTTL") && !expirySet) (expiry, expirySet) = (Expiry.Keep, true);
            else if (ExpiryArguments.TryReadUnit(args, i, out var relative, out var seconds) && !expirySet && i + 1 < args.Count)
                (expiry, expirySet) = (Expiry.At(ExpiryArguments.Positive(args, ++i, relative, seconds, context)), true);
            else throw new CommandException(RespErrors.Syntax);
        }

        if (ifAbsent && returnPrevious)
        {
            // NX GET: the old value if there is one (and nothing written), else nil and the key is created.
            return CommandAction.Of(new StorePlan([new Get(key), new Create(key, value, expiry)], PlanMode.Batch, replies =>
                replies[1] is KvError { Code: not ErrorCode.AlreadyExists } error ? RespErrors.From(error) : StoreReplies.ValueOrNil(replies[0])));
        }

        if (ifAbsent)
        {
            return CommandAction.Of(StorePlan.One(new Create(key, value, expiry), reply =>
                reply is KvError { Code: ErrorCode.AlreadyExists } ? RespValue.Null : StoreReplies.Ok(reply)));
        }

        IKvRequest request = ifPresent
            ? new Update(key, value, null, expiry, returnPrevious)
            : new Set(key, value, null, expiry, returnPrevious);
        return CommandAction.Of(StorePlan.One(request, reply => reply switch
        {
            Written written when returnPrevious => RespValue.Bulk(written.Previous),
            KvError { Code: ErrorCode.NotFound } when ifPresent => RespValue.Null,
            _ => StoreReplies.Ok(reply),
        }));
    }

    private static CommandAction SetNx(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(new Create(args.Key(1), args[2]), reply => reply switch
        {
            Written => RespValue.One,
            KvError { Code: ErrorCode.AlreadyExists } => RespValue.Zero,
            KvError error => RespErrors.From(error),
            _ => StoreReplies.Unexpected(reply),
        }));

    // SETEX key seconds value, PSETEX key milliseconds value
    private static CommandAction SetWithTtl(CommandArgs args, CommandContext context, bool seconds)
    {
        var key = args.Key(1);
        var at = ExpiryArguments.Positive(args, 2, relative: true, seconds, context);
        return CommandAction.Of(StorePlan.One(new Set(key, args[3], null, Expiry.At(at)), StoreReplies.Ok));
    }

    private static CommandAction GetSet(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(new Set(args.Key(1), args[2], ReturnPrevious: true), reply =>
            reply is Written written ? RespValue.Bulk(written.Previous) : StoreReplies.Ok(reply)));

    private static CommandAction GetDel(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(new Delete(args.Key(1), ReturnPrevious: true), reply => reply switch
        {
            Deleted deleted => RespValue.Bulk(deleted.Previous),
            _ => StoreReplies.ValueOrNil(reply),
        }));

    // GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]. With an option it is one batch, Get then SetExpiry: atomic,
    // and one journal write.
    private static CommandAction GetEx(CommandArgs args, CommandContext context)
    {
        var key = args.Key(1);
        if (args.Count == 2) return CommandAction.Of(StorePlan.One(new Get(key), StoreReplies.ValueOrNil));

        long? at;
        if (args.Count == 3 && args.Is(2, "PERSIST")) at = null;
        else if (args.Count == 4 && ExpiryArguments.TryReadUnit(args, 2, out var relative, out var seconds))
            at = ExpiryArguments.Positive(args, 3, relative, seconds, context);
        else throw new CommandException(RespErrors.Syntax);

        return CommandAction.Of(new StorePlan([new Get(key), new SetExpiry(key, at)], PlanMode.Batch, replies =>
            replies[1] is KvError { Code: not ErrorCode.NotFound } error ? RespErrors.From(error) : StoreReplies.ValueOrNil(replies[0])));
    }

    // Independent Gets: each sees the store as it is when it arrives (MGET is not a snapshot across keys here).
    private static CommandAction MGet(CommandArgs args, CommandContext context)
    {
        var requests = new IKvRequest[args.Count - 1];
        for (var i = 1; i < args.Count; i++) requests[i - 1] = new Get(args.Key(i));
        return CommandAction.Of(new StorePlan(requests, PlanMode.Concurrent, replies =>
            StoreReplies.FirstError(replies, ErrorCode.NotFound) ?? RespValue.Array(replies.Select(StoreReplies.ValueOrNil).ToArray())));
    }

    private static CommandAction MSet(CommandArgs args, CommandContext context)
    {
        var pairs = Pairs(args);
        var requests = pairs.Select(p => (IKvRequest)new Set(p.Key, p.Value)).ToArray();
        return CommandAction.Of(new StorePlan(requests, PlanMode.AllOrNothing, replies =>
            StoreReplies.FirstError(replies) ?? RespValue.Ok));
    }

    // All keys are created or none. A key named twice is created once, with its last value, as Redis ends up doing.
    private static CommandAction MSetNx(CommandArgs args, CommandContext context)
    {
        var lastValues = new Dictionary<string, byte[]>();
        foreach (var (key, value) in Pairs(args)) lastValues[key] = value;
        var requests = lastValues.Select(p => (IKvRequest)new Create(p.Key, p.Value)).ToArray();
        return CommandAction.Of(new StorePlan(requests, PlanMode.AllOrNothing, replies =>
            replies.Any(r => r is KvError { Code: ErrorCode.AlreadyExists })
                ? RespValue.Zero
                : StoreReplies.FirstError(replies) ?? RespValue.One));
    }

    private static CommandAction Append(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(new Append(args.Key(1), args[2]), reply => reply switch
        {
            Found found => RespValue.From(found.Value.Length),
            KvError error => RespErrors.From(error),
            _ => StoreReplies.Unexpected(reply),
        }));

    private static CommandAction StrLen(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(new Get(args.Key(1)), Length));

    // GETRANGE key start end, both inclusive; negative counts from the end.
    private static CommandAction GetRange(CommandArgs args, CommandContext context)
    {
        var key = args.Key(1);
        var start = args.Integer(2);
        var end = args.Integer(3);
        return CommandAction.Of(StorePlan.One(new Get(key), reply => reply switch
        {
            Found found => RespValue.Bulk(Substring(found.Value, start, end)),
            KvError { Code: ErrorCode.NotFound } => RespValue.Bulk(Array.Empty<byte>()),
            KvError error => RespErrors.From(error),
            _ => StoreReplies.Unexpected(reply),
        }));
    }

    // SETRANGE key offset value. An empty value changes nothing (and creates nothing): it only reports the length.
    private static CommandAction SetRange(CommandArgs args, CommandContext context)
    {
        var key = args.Key(1);
        var offset = args.Integer(2);
        var bytes = args[3];
        if (offset < 0) throw new CommandException("ERR offset is out of range");
        if (bytes.Length == 0) return CommandAction.Of(StorePlan.One(new Get(key), Length));
        if (offset > context.Server.Settings.MaxBulkBytes - bytes.Length) throw new CommandException(RespErrors.StringTooLarge);
        return CommandAction.Of(StorePlan.One(new SetRange(key, offset, bytes), reply => reply switch
        {
            Found found => RespValue.From(found.Value.Length),
            KvError error => RespErrors.From(error),
            _ => StoreReplies.Unexpected(reply),
        }));
    }

    /// <summary>Redis's GETRANGE arithmetic.</summary>
    internal static byte[] Substring(byte[] value, long start, long end)
    {
        long length = value.Length;
        if (start < 0 && end < 0 && start > end) return [];
        if (start < 0) start = length + start;
        if (end < 0) end = length + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= length) end = length - 1;
        if (length == 0 || start > end) return [];
        return value[(int)start..(int)(end + 1)];
    }

    private static RespValue Length(IKvReply reply) => reply switch
    {
        Found found => RespValue.From(found.Value.Length),
        KvError { Code: ErrorCode.NotFound } => RespValue.Zero,
        KvError error => RespErrors.From(error),
        _ => StoreReplies.Unexpected(reply),
    };

    private static List<(string Key, byte[] Value)> Pairs(CommandArgs args)
    {
        if (args.Count % 2 == 0) throw new CommandException(RespErrors.WrongArity(args.Name));
        var pairs = new List<(string, byte[])>(args.Count / 2);
        for (var i = 1; i < args.Count; i += 2) pairs.Add((args.Key(i), args[i + 1]));
        return pairs;
    }
}
