namespace KvActors.Resp.Commands;

/// <summary>
/// TTL arguments as Redis reads them, turned into absolute Unix milliseconds with the RESP front's clock, so the
/// store and its journal only ever see absolute times.
/// </summary>
internal static class ExpiryArguments
{
    /// <summary>EX, PX, EXAT or PXAT at <paramref name="index"/>: how its value reads. False for any other word.</summary>
    public static bool TryReadUnit(CommandArgs args, int index, out bool relative, out bool seconds)
    {
        relative = args.Is(index, "EX") || args.Is(index, "PX");
        seconds = args.Is(index, "EX") || args.Is(index, "EXAT");
        return relative || seconds || args.Is(index, "PXAT");
    }

    /// <summary>A TTL that must be positive (SET, SETEX, GETEX): zero, negative or overflowing is "invalid expire time".</summary>
    public static long Positive(CommandArgs args, int index, bool relative, bool seconds, CommandContext context)
    {
        var value = args.Integer(index);
        if (value <= 0) throw new CommandException(RespErrors.InvalidExpireTime(args.Name));
        return ToUnixMs(value, relative, seconds, args, context.NowUnixMs);
    }

    /// <summary>Any TTL (EXPIRE family): a time in the past is allowed and deletes the key.</summary>
    public static long ToUnixMs(long value, bool relative, bool seconds, CommandArgs command, long nowUnixMs)
    {
        try
        {
            checked
            {
                var ms = seconds ? value * 1000 : value;
                return relative ? ms + nowUnixMs : ms;
            }
        }
        catch (OverflowException)
        {
            throw new CommandException(RespErrors.InvalidExpireTime(command.Name));
        }
    }
}
