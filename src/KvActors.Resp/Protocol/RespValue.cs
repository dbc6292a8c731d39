using System.Text;

namespace KvActors.Resp.Protocol;

/// <summary>What kind of reply a <see cref="RespValue"/> is.</summary>
internal enum RespKind
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Null,
    Array,

    /// <summary>Key/value pairs: a RESP3 map, a flat array under RESP2.</summary>
    Map,
}

/// <summary>
/// One reply, before encoding. A struct, so integers, status lines and bulk strings cost no allocation beyond the
/// bytes they carry; the connection encodes it for the RESP version the client speaks.
/// </summary>
internal readonly struct RespValue
{
    private readonly object? _payload;

    private RespValue(RespKind kind, long integer, object? payload)
    {
        Kind = kind;
        Integer = integer;
        _payload = payload;
    }

    public static RespValue Ok { get; } = Simple("OK");

    public static RespValue Null { get; } = new(RespKind.Null, 0, null);

    public static RespValue EmptyArray { get; } = new(RespKind.Array, 0, System.Array.Empty<RespValue>());

    public static RespValue Zero { get; } = new(RespKind.Integer, 0, null);

    public static RespValue One { get; } = new(RespKind.Integer, 1, null);

    public RespKind Kind { get; }

    public long Integer { get; }

    /// <summary>The text of a simple string or error.</summary>
    public string Text => (string)_payload!;

    /// <summary>The bytes of a bulk string.</summary>
    public byte[] Bytes => (byte[])_payload!;

    /// <summary>The items of an array, or the flattened key/value pairs of a map.</summary>
    public RespValue[] Items => (RespValue[])_payload!;

    public bool IsError => Kind == RespKind.Error;

    public static RespValue Simple(string text) => new(RespKind.SimpleString, 0, text);

    /// <summary>An error; <paramref name="message"/> starts with its code, e.g. "ERR syntax error".</summary>
    public static RespValue Error(string message) => new(RespKind.Error, 0, message);

    public static RespValue From(long integer) => integer switch
    {
        0 => Zero,
        1 => One,
        _ => new RespValue(RespKind.Integer, integer, null),
    };

    public static RespValue From(bool flag) => flag ? One : Zero;

    /// <summary>A bulk string; null gives the null reply.</summary>
    public static RespValue Bulk(byte[]? bytes) => bytes is null ? Null : new RespValue(RespKind.BulkString, 0, bytes);

    /// <summary>A bulk string holding UTF-8 text; null gives the null reply.</summary>
    public static RespValue Bulk(string? text) => text is null ? Null : Bulk(Encoding.UTF8.GetBytes(text));

    public static RespValue Array(RespValue[] items) => new(RespKind.Array, 0, items);

    /// <summary>A map from alternating keys and values.</summary>
    public static RespValue Map(RespValue[] keysAndValues)
    {
        if (keysAndValues.Length % 2 != 0) throw new ArgumentException("a map needs an even number of items", nameof(keysAndValues));
        return new RespValue(RespKind.Map, 0, keysAndValues);
    }

    public override string ToString() => Kind switch
    {
        RespKind.SimpleString => "+" + Text,
        RespKind.Error => "-" + Text,
        RespKind.Integer => ":" + Integer,
        RespKind.BulkString => "$" + Encoding.UTF8.GetString(Bytes),
        RespKind.Null => "(nil)",
        _ => $"{Kind}[{string.Join(", ", Items)}]",
    };
}
