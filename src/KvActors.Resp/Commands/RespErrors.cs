using System.Text;
using KvActors.Protocol;
using KvActors.Resp.Protocol;

namespace KvActors.Resp.Commands;

/// <summary>Redis 7's error texts, and how the store's <see cref="KvError"/> codes read to a Redis client.</summary>
internal static class RespErrors
{
    public const string Syntax = "ERR syntax error";
    public const string NotAnInteger = "ERR value is not an integer or out of range";
    public const string NotAFloat = "ERR value is not a valid float";
    public const string CrossSlot = "CROSSSLOT Keys in request don't hash to the same slot";
    public const string IntegerOverflow = "ERR increment or decrement would overflow";
    public const string FloatOverflow = "ERR increment would produce NaN or Infinity";
    public const string StringTooLarge = "ERR string exceeds maximum allowed size";
    public const string NoSuchKey = "ERR no such key";
    public const string InvalidKeyEncoding = "ERR invalid key: keys must be valid UTF-8";
    public const string NotAllowedInMulti = "ERR Command not allowed inside a transaction";

    public static string WrongArity(string command) => $"ERR wrong number of arguments for '{command}' command";

    public static string InvalidExpireTime(string command) => $"ERR invalid expire time in '{command}' command";

    public static string UnknownSubcommand(CommandArgs args) =>
        $"ERR unknown subcommand '{Truncate(args.Text(1))}'. Try {args.Name.ToUpperInvariant()} HELP.";

    /// <summary>Redis's exact shape: the name and up to 128 characters of arguments, each quoted and followed by a space.</summary>
    public static string UnknownCommand(CommandArgs args)
    {
        var text = new StringBuilder("ERR unknown command '").Append(Truncate(args.Text(0))).Append("', with args beginning with: ");
        var start = text.Length;
        for (var i = 1; i < args.Count && text.Length - start < 128; i++)
        {
            var room = 128 - (text.Length - start);
            var arg = args.Text(i);
            text.Append('\'').Append(arg.Length > room ? arg[..room] : arg).Append("' ");
        }

        return text.ToString();
    }

    /// <summary>What Redis answers while it loads its data set; client libraries know to retry it.</summary>
    public const string Loading = "LOADING KvActors is loading the dataset in memory";

    /// <summary>How a store error reads for a command about <paramref name="kind"/> values.</summary>
    public static RespValue From(KvError error, ValueKind kind = ValueKind.String) => RespValue.Error(error.IsStarting ? Loading : error.Code switch
    {
        ErrorCode.NotANumber => kind == ValueKind.Float ? NotAFloat : NotAnInteger,
        ErrorCode.Overflow => kind switch
        {
            ValueKind.Integer => IntegerOverflow,
            ValueKind.Float => FloatOverflow,
            _ => StringTooLarge,
        },
        ErrorCode.ValueTooLarge => StringTooLarge,
        ErrorCode.NotFound => NoSuchKey,
        ErrorCode.InvalidKey => "ERR invalid key: " + error.Message,
        ErrorCode.Unavailable => "ERR store unavailable, retry later: " + error.Message,
        ErrorCode.Busy => "ERR server busy, retry later: " + error.Message,
        ErrorCode.Timeout => "ERR timeout: " + error.Message,
        ErrorCode.CrossPartition => CrossSlot,
        ErrorCode.UnsupportedRequest => "ERR not supported by the store: " + error.Message,
        _ => "ERR " + error.Message,
    });

    private static string Truncate(string text) => text.Length > 128 ? text[..128] : text;
}

/// <summary>What a command treats a value as, which decides the wording of number errors.</summary>
internal enum ValueKind
{
    String,
    Integer,
    Float,
}
