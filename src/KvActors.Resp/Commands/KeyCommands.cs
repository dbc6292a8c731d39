using System.Globalization;
using System.Text;
using KvActors.Protocol;
using KvActors.Resp.Execution;
using KvActors.Resp.Keys;
using KvActors.Resp.Protocol;
using static KvActors.Resp.Commands.CommandFlags;

namespace KvActors.Resp.Commands;

/// <summary>Commands about keys whatever their value: deleting, counting, renaming, listing.</summary>
internal static class KeyCommands
{
    public static IEnumerable<CommandSpec> Specs =>
    [
        new("del", -2, Write, 1, -1, 1, DeleteKeys),
        new("unlink", -2, Write | Fast, 1, -1, 1, DeleteKeys),
        new("exists", -2, ReadOnly | Fast, 1, -1, 1, CountExisting),
        new("type", 2, ReadOnly | Fast, 1, 1, 1, TypeOf),
        new("rename", 3, Write, 1, 2, 1, (a, _) => RenameKey(a, onlyIfAbsent: false)),
        new("renamenx", 3, Write | Fast, 1, 2, 1, (a, _) => RenameKey(a, onlyIfAbsent: true)),
        new("randomkey", 1, ReadOnly | NoMulti, 0, 0, 0, PickRandomKey),
        new("keys", 2, ReadOnly | NoMulti, 0, 0, 0, ListKeys),
        new("scan", -2, ReadOnly | NoMulti, 0, 0, 0, ScanKeys),
    ];

    // DEL k1 k2 ...: how many existed. Several keys are one batch, so a key named twice is deleted (and counted) once.
    private static CommandAction DeleteKeys(CommandArgs args, CommandContext context)
    {
        var requests = new IKvRequest[args.Count - 1];
        for (var i = 1; i < args.Count; i++) requests[i - 1] = new Delete(args.Key(i));
        return CommandAction.Of(new StorePlan(requests, PlanMode.Batch, replies =>
            StoreReplies.FirstError(replies, ErrorCode.NotFound) ?? RespValue.From(replies.Count(r => r is Deleted))));
    }

    // EXISTS k1 k2 ...: how many of the names exist; a name given twice counts twice, as in Redis.
    private static CommandAction CountExisting(CommandArgs args, CommandContext context)
    {
        var requests = new IKvRequest[args.Count - 1];
        for (var i = 1; i < args.Count; i++) requests[i - 1] = new Exists(args.Key(i));
        return CommandAction.Of(new StorePlan(requests, PlanMode.Concurrent, replies =>
            StoreReplies.FirstError(replies) ?? RespValue.From(replies.Count(r => r is ExistsResult { Exists: true }))));
    }

    // Every value is a string here.
    private static CommandAction TypeOf(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(new Exists(args.Key(1)), reply => reply switch
        {
            ExistsResult { Exists: true } => RespValue.Simple("string"),
            ExistsResult => RespValue.Simple("none"),
            KvError error => RespErrors.From(error),
            _ => StoreReplies.Unexpected(reply),
        }));

    private static CommandAction RenameKey(CommandArgs args, bool onlyIfAbsent) =>
        CommandAction.Of(StorePlan.One(new Rename(args.Key(1), args.Key(2), onlyIfAbsent), reply => reply switch
        {
            Written when onlyIfAbsent => RespValue.One,
            Written => RespValue.Ok,
            KvError { Code: ErrorCode.AlreadyExists } when onlyIfAbsent => RespValue.Zero,
            KvError error => RespErrors.From(error),
            _ => StoreReplies.Unexpected(reply),
        }));

    private static CommandAction PickRandomKey(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(new RandomKey(Random.Shared.Next()), reply => reply switch
        {
            RandomKeyResult result => RespValue.Bulk(result.Key),
            KvError error => RespErrors.From(error),
            _ => StoreReplies.Unexpected(reply),
        }));

    // KEYS pattern: every page of a scan narrowed to the pattern's literal prefix, filtered by the pattern.
    private static CommandAction ListKeys(CommandArgs args, CommandContext context)
    {
        var pattern = new GlobPattern(args[1]);
        return new CommandAction.Sequence(async store =>
        {
            var keys = new List<RespValue>();
            string? after = null;
            do
            {
                var reply = await store.AskAsync(new Scan(pattern.LiteralPrefix, after, Scan.MaxLimit)).ConfigureAwait(false);
                if (reply is not ScanPage page) return reply is KvError error ? RespErrors.From(error) : StoreReplies.Unexpected(reply);
                foreach (var entry in page.Entries)
                {
                    if (pattern.Matches(entry.Key)) keys.Add(RespValue.Bulk(entry.Key));
                }

                after = page.NextCursor;
            }
            while (after is not null);

            return RespValue.Array(keys.ToArray());
        });
    }

    // SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. One store page per call; the next numeric cursor stands
    // for the page's last key in the server's cursor table. COUNT is the page size (capped at the store's limit).
    private static CommandAction ScanKeys(CommandArgs args, CommandContext context)
    {
        if (!ulong.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor))
            throw new CommandException("ERR invalid cursor");
        var pattern = new GlobPattern("*"u8.ToArray());
        var count = 10L;
        var onlyStrings = true;
        for (var i = 2; i < args.Count; i++)
        {
            if (i + 1 >= args.Count) throw new CommandException(RespErrors.Syntax);
            if (args.Is(i, "MATCH")) pattern = new GlobPattern(args[++i]);
            else if (args.Is(i, "COUNT"))
            {
                count = args.Integer(++i);
                if (count < 1) throw new CommandException(RespErrors.Syntax);
            }
            else if (args.Is(i, "TYPE")) onlyStrings = args.Is(++i, "string");
            else throw new CommandException(RespErrors.Syntax);
        }

        string? after = null;
        if (cursor != 0 && !context.Server.ScanCursors.TryGet((long)Math.Min(cursor, long.MaxValue), out after))
            throw new CommandException("ERR invalid cursor");
        if (!onlyStrings) return CommandAction.Of(ScanReply(0, []));

        var limit = (int)Math.Min(count, Scan.MaxLimit);
        return CommandAction.Of(StorePlan.One(new Scan(pattern.LiteralPrefix, after, limit), reply =>
        {
            if (reply is not ScanPage page) return reply is KvError error ? RespErrors.From(error) : StoreReplies.Unexpected(reply);
            var next = page.NextCursor is null ? 0 : context.Server.ScanCursors.Add(page.NextCursor);
            var keys = page.Entries.Where(e => pattern.Matches(e.Key)).Select(e => RespValue.Bulk(e.Key)).ToArray();
            return ScanReply(next, keys);
        }));
    }

    private static RespValue ScanReply(long cursor, RespValue[] keys) =>
        RespValue.Array([RespValue.Bulk(Encoding.ASCII.GetBytes(cursor.ToString(CultureInfo.InvariantCulture))), RespValue.Array(keys)]);
}
