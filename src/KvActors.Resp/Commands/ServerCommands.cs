using System.Globalization;
using System.Text;
using KvActors.Protocol;
using KvActors.Resp.Execution;
using KvActors.Resp.Keys;
using KvActors.Resp.Protocol;
using static KvActors.Resp.Commands.CommandFlags;

namespace KvActors.Resp.Commands;

/// <summary>Commands about the server as a whole: introspection, the keyspace, time and configuration.</summary>
internal static class ServerCommands
{
    public static IEnumerable<CommandSpec> Specs =>
    [
        new("command", -1, NoMulti, 0, 0, 0, Command),
        new("info", -1, NoMulti, 0, 0, 0, Info),
        new("dbsize", 1, ReadOnly | Fast | NoMulti, 0, 0, 0, DbSize),
        new("flushdb", -1, Write, 0, 0, 0, Flush),
        new("flushall", -1, Write, 0, 0, 0, Flush),
        new("time", 1, Fast, 0, 0, 0, Time),
        new("config", -2, Admin | NoMulti, 0, 0, 0, Config),
        new("cluster", -2, Fast, 0, 0, 0, Cluster),
        new("role", 1, Fast, 0, 0, 0, (_, _) => CommandAction.Of(RespValue.Array([RespValue.Bulk("master"), RespValue.Zero, RespValue.EmptyArray]))),
    ];

    // CLUSTER KEYSLOT answers as Redis Cluster would (it is how keys are placed on partitions here); everything else
    // says what a standalone Redis says, which makes cluster-aware clients fall back to standalone mode.
    private static CommandAction Cluster(CommandArgs args, CommandContext context)
    {
        if (args.Is(1, "KEYSLOT") && args.Count == 3) return CommandAction.Of(RespValue.From(KeySlot.Of(args[2])));
        throw new CommandException("ERR This instance has cluster support disabled");
    }

    // COMMAND, COMMAND COUNT|LIST|INFO name...|DOCS. DOCS is an empty reply: redis-cli then uses its built-in hints.
    private static CommandAction Command(CommandArgs args, CommandContext context)
    {
        if (args.Count == 1) return CommandAction.Of(RespValue.Array(CommandTable.All.Select(Describe).ToArray()));
        if (args.Is(1, "COUNT")) return CommandAction.Of(RespValue.From(CommandTable.All.Count));
        if (args.Is(1, "LIST")) return CommandAction.Of(RespValue.Array(CommandTable.All.Select(c => RespValue.Bulk(c.Name)).ToArray()));
        if (args.Is(1, "DOCS")) return CommandAction.Of(RespValue.EmptyArray);
        if (args.Is(1, "INFO"))
        {
            return CommandAction.Of(RespValue.Array(args.From(2)
                .Select(name => CommandTable.Find(name) is { } spec ? Describe(spec) : RespValue.Null).ToArray()));
        }

        throw new CommandException(RespErrors.UnknownSubcommand(args));
    }

    // Redis 7's ten-element command description; the ACL, tips, key specs and subcommand parts are empty.
    private static RespValue Describe(CommandSpec spec)
    {
        var flags = new List<RespValue>();
        if (spec.Flags.HasFlag(Write)) flags.Add(RespValue.Simple("write"));
        if (spec.Flags.HasFlag(ReadOnly)) flags.Add(RespValue.Simple("readonly"));
        if (spec.Flags.HasFlag(Fast)) flags.Add(RespValue.Simple("fast"));
        if (spec.Flags.HasFlag(Admin)) flags.Add(RespValue.Simple("admin"));
        if (spec.Flags.HasFlag(NoMulti)) flags.Add(RespValue.Simple("no_multi"));
        return RespValue.Array(
        [
            RespValue.Bulk(spec.Name), RespValue.From(spec.Arity), RespValue.Array(flags.ToArray()),
            RespValue.From(spec.FirstKey), RespValue.From(spec.LastKey), RespValue.From(spec.KeyStep),
            RespValue.EmptyArray, RespValue.EmptyArray, RespValue.EmptyArray, RespValue.EmptyArray,
        ]);
    }

    private static CommandAction Info(CommandArgs args, CommandContext context)
    {
        var sections = args.From(1).Select(s => Encoding.UTF8.GetString(s).ToLowerInvariant()).ToArray();
        // The replicas too, asked alongside: a Raft cluster reports them, other modes answer UnsupportedRequest.
        return CommandAction.Of(new StorePlan([GetStats.Instance, GetPartitionReplicas.Instance], PlanMode.Concurrent, replies => replies[0] switch
        {
            StoreStats stats => RespValue.Bulk(InfoReport.Build(sections, stats, replies[1] as PartitionReplicas, context)),
            KvError error => RespErrors.From(error),
            var reply => StoreReplies.Unexpected(reply),
        }));
    }

    // Counts keys the store holds, which may include expired keys it has not swept yet.
    private static CommandAction DbSize(CommandArgs args, CommandContext context) =>
        CommandAction.Of(StorePlan.One(GetStats.Instance, reply => reply switch
        {
            StoreStats stats => RespValue.From(stats.Keys),
            KvError error => RespErrors.From(error),
            _ => StoreReplies.Unexpected(reply),
        }));

    // FLUSHDB/FLUSHALL [ASYNC|SYNC]: one Clear either way, acknowledged once durable.
    private static CommandAction Flush(CommandArgs args, CommandContext context)
    {
        if (args.Count > 2 || (args.Count == 2 && !args.Is(1, "ASYNC") && !args.Is(1, "SYNC")))
            throw new CommandException(RespErrors.Syntax);
        return CommandAction.Of(StorePlan.One(Clear.Instance, StoreReplies.Ok));
    }

    private static CommandAction Time(CommandArgs args, CommandContext context)
    {
        var microseconds = (context.Server.Clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        return CommandAction.Of(RespValue.Array(
        [
            RespValue.Bulk((microseconds / 1_000_000).ToString(CultureInfo.InvariantCulture)),
            RespValue.Bulk((microseconds % 1_000_000).ToString(CultureInfo.InvariantCulture)),
        ]));
    }

    // CONFIG GET pattern...: the few parameters clients and tools ask for (redis-benchmark reads save and
    // appendonly). Configuration changes go through kv.conf, KV_* variables and flags, so CONFIG SET is refused.
    private static CommandAction Config(CommandArgs args, CommandContext context)
    {
        if (args.Is(1, "GET"))
        {
            if (args.Count < 3) throw new CommandException(RespErrors.WrongArity("config|get"));
            var patterns = args.From(2);
            var settings = context.Server.Settings;
            (string Name, string Value)[] parameters =
            [
                ("appendonly", "yes"), // every write is in the journal before it is acknowledged
                ("save", ""),
                ("databases", "1"),
                ("maxclients", settings.MaxClients.ToString(CultureInfo.InvariantCulture)),
                ("timeout", ((long)settings.IdleTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
                ("proto-max-bulk-len", settings.MaxBulkBytes.ToString(CultureInfo.InvariantCulture)),
                ("port", context.Server.Port.ToString(CultureInfo.InvariantCulture)),
                ("bind", settings.Host),
                ("maxmemory", "0"),
            ];
            var matches = parameters
                .Where(p => patterns.Any(pattern => GlobPattern.Matches(Lower(pattern), Encoding.ASCII.GetBytes(p.Name))))
                .SelectMany(p => new[] { RespValue.Bulk(p.Name), RespValue.Bulk(p.Value) })
                .ToArray();
            return CommandAction.Of(RespValue.Map(matches));
        }

        if (args.Is(1, "SET")) throw new CommandException("ERR CONFIG SET is not supported: use kv.conf, KV_* variables or flags");
        throw new CommandException(RespErrors.UnknownSubcommand(args));
    }

    private static byte[] Lower(byte[] ascii) => Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(ascii).ToLowerInvariant());
}
