using KvActors.Resp.Protocol;
using static KvActors.Resp.Commands.CommandFlags;

namespace KvActors.Resp.Commands;

/// <summary>Commands about the connection itself, answered without the store.</summary>
internal static class ConnectionCommands
{
    /// <summary>The Redis version this server's replies and errors follow; clients pick features by it.</summary>
    public const string CompatibleRedisVersion = "7.2.0";

    public static IEnumerable<CommandSpec> Specs =>
    [
        new("ping", -1, Fast, 0, 0, 0, Ping),
        new("echo", 2, Fast, 0, 0, 0, (a, _) => CommandAction.Of(RespValue.Bulk(a[1]))),
        new("quit", -1, Fast | TransactionControl, 0, 0, 0, (_, _) => new CommandAction.Reply(RespValue.Ok, closeConnection: true)),
        new("hello", -1, Fast | NoMulti, 0, 0, 0, Hello),
        new("auth", -2, Fast | NoMulti, 0, 0, 0, Auth),
        new("select", 2, Fast | NoMulti, 0, 0, 0, Select),
        new("client", -2, NoMulti, 0, 0, 0, Client),
        // As on a Redis Cluster replica: this connection's reads may come from the nearest replica, possibly stale.
        new("readonly", 1, Fast | NoMulti, 0, 0, 0, (_, context) => ReadsStale(context, true)),
        new("readwrite", 1, Fast | NoMulti, 0, 0, 0, (_, context) => ReadsStale(context, false)),
    ];

    private static CommandAction ReadsStale(CommandContext context, bool stale)
    {
        context.Session.ReadsStale = stale;
        return CommandAction.Of(RespValue.Ok);
    }

    private static CommandAction Ping(CommandArgs args, CommandContext context) => args.Count switch
    {
        1 => CommandAction.Of(RespValue.Simple("PONG")),
        2 => CommandAction.Of(RespValue.Bulk(args[1])),
        _ => throw new CommandException(RespErrors.WrongArity("ping")),
    };

    // HELLO [protover [AUTH username password] [SETNAME clientname]]: switches to RESP3 on "3" and describes the server.
    private static CommandAction Hello(CommandArgs args, CommandContext context)
    {
        var session = context.Session;
        var version = session.Version;
        string? name = null;
        if (args.Count >= 2)
        {
            if (!RespIntegers.TryParse(args[1], out var requested))
                throw new CommandException("ERR Protocol version is not an integer or out of range");
            if (requested is not (2 or 3)) throw new CommandException("NOPROTO unsupported protocol version");
            version = (RespVersion)requested;
            for (var i = 2; i < args.Count; i++)
            {
                if (args.Is(i, "AUTH") && i + 2 < args.Count)
                {
                    CheckUser(args, i + 1);
                    i += 2;
                }
                else if (args.Is(i, "SETNAME") && i + 1 < args.Count)
                {
                    name = ClientName(args, ++i);
                }
                else
                {
                    throw new CommandException($"ERR Syntax error in HELLO option '{args.Text(i)}'");
                }
            }
        }

        session.Version = version;
        if (name is not null) session.Name = name.Length == 0 ? null : name;
        return CommandAction.Of(RespValue.Map(
        [
            RespValue.Bulk("server"), RespValue.Bulk("redis"),
            RespValue.Bulk("version"), RespValue.Bulk(CompatibleRedisVersion),
            RespValue.Bulk("proto"), RespValue.From((int)version),
            RespValue.Bulk("id"), RespValue.From(session.Id),
            RespValue.Bulk("mode"), RespValue.Bulk("standalone"),
            RespValue.Bulk("role"), RespValue.Bulk("master"),
            RespValue.Bulk("modules"), RespValue.EmptyArray,
        ]));
    }

    // There are no passwords: like a Redis whose default user is "nopass", AUTH default <anything> succeeds.
    private static CommandAction Auth(CommandArgs args, CommandContext context)
    {
        if (args.Count == 2)
        {
            throw new CommandException("ERR AUTH <password> called without any password configured for the default user. " +
                                       "Are you sure your configuration is correct?");
        }

        if (args.Count != 3) throw new CommandException(RespErrors.Syntax);
        CheckUser(args, 1);
        return CommandAction.Of(RespValue.Ok);
    }

    private static void CheckUser(CommandArgs args, int user)
    {
        if (!args.Is(user, "default")) throw new CommandException("WRONGPASS invalid username-password pair or user is disabled.");
    }

    // One database: db 0.
    private static CommandAction Select(CommandArgs args, CommandContext context) =>
        args.Integer(1) == 0 ? CommandAction.Of(RespValue.Ok) : throw new CommandException("ERR DB index is out of range");

    private static CommandAction Client(CommandArgs args, CommandContext context)
    {
        var session = context.Session;
        if (args.Is(1, "SETNAME"))
        {
            Arity(args, 3);
            var name = ClientName(args, 2);
            session.Name = name.Length == 0 ? null : name;
            return CommandAction.Of(RespValue.Ok);
        }

        if (args.Is(1, "GETNAME"))
        {
            Arity(args, 2);
            return CommandAction.Of(RespValue.Bulk(session.Name));
        }

        if (args.Is(1, "ID"))
        {
            Arity(args, 2);
            return CommandAction.Of(RespValue.From(session.Id));
        }

        if (args.Is(1, "SETINFO"))
        {
            Arity(args, 4);
            if (args.Is(2, "LIB-NAME")) session.LibraryName = args.Text(3);
            else if (args.Is(2, "LIB-VER")) session.LibraryVersion = args.Text(3);
            else throw new CommandException($"ERR Unrecognized option '{args.Text(2)}'");
            return CommandAction.Of(RespValue.Ok);
        }

        if (args.Is(1, "INFO"))
        {
            Arity(args, 2);
            return CommandAction.Of(RespValue.Bulk(
                $"id={session.Id} addr={session.RemoteAddress} name={session.Name} " +
                $"age={(long)(DateTimeOffset.UtcNow - session.ConnectedAt).TotalSeconds} db=0 " +
                $"multi={(session.Transaction is null ? -1 : 0)} resp={(int)session.Version} " +
                $"lib-name={session.LibraryName} lib-ver={session.LibraryVersion}\n"));
        }

        throw new CommandException(RespErrors.UnknownSubcommand(args));
    }

    // Redis refuses names with spaces, newlines or other characters outside '!'..'~'.
    private static string ClientName(CommandArgs args, int index)
    {
        if (args[index].Any(b => b is < (byte)'!' or > (byte)'~'))
            throw new CommandException("ERR Client names cannot contain spaces, newlines or special characters.");
        return args.Text(index);
    }

    private static void Arity(CommandArgs args, int count)
    {
        if (args.Count != count) throw new CommandException(RespErrors.WrongArity($"{args.Name}|{args.Text(1).ToLowerInvariant()}"));
    }
}
