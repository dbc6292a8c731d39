using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace KvActors.Resp.Protocol;

/// <summary>Encodes replies onto a buffer writer (the connection's output pipe) without intermediate strings.</summary>
internal static class RespWriter
{
    // Large bulk strings are copied in slices, so the pipe never has to allocate one segment of the whole value.
    private const int CopySliceBytes = 64 * 1024;

    public static void Write(IBufferWriter<byte> output, in RespValue value, RespVersion version)
    {
        switch (value.Kind)
        {
            case RespKind.SimpleString:
                WriteLine(output, (byte)'+', value.Text);
                break;
            case RespKind.Error:
                WriteLine(output, (byte)'-', value.Text);
                break;
            case RespKind.Integer:
                WriteHeader(output, (byte)':', value.Integer);
                break;
            case RespKind.BulkString:
                WriteBulk(output, value.Bytes);
                break;
            case RespKind.Null:
                WriteRaw(output, version == RespVersion.Resp3 ? "_\r\n"u8 : "$-1\r\n"u8);
                break;
            case RespKind.Array:
                WriteHeader(output, (byte)'*', value.Items.Length);
                foreach (var item in value.Items) Write(output, item, version);
                break;
            case RespKind.Map:
                var items = value.Items;
                if (version == RespVersion.Resp3) WriteHeader(output, (byte)'%', items.Length / 2);
                else WriteHeader(output, (byte)'*', items.Length);
                foreach (var item in items) Write(output, item, version);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Kind, "unknown reply kind");
        }
    }

    private static void WriteBulk(IBufferWriter<byte> output, byte[] bytes)
    {
        WriteHeader(output, (byte)'$', bytes.Length);
        ReadOnlySpan<byte> rest = bytes;
        while (rest.Length > CopySliceBytes)
        {
            WriteRaw(output, rest[..CopySliceBytes]);
            rest = rest[CopySliceBytes..];
        }

        var span = output.GetSpan(rest.Length + 2);
        rest.CopyTo(span);
        span[rest.Length] = (byte)'\r';
        span[rest.Length + 1] = (byte)'\n';
        output.Advance(rest.Length + 2);
    }

    // "<prefix><number>\r\n": array, map and bulk headers and integers.
    private static void WriteHeader(IBufferWriter<byte> output, byte prefix, long number)
    {
        var span = output.GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(number, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        output.Advance(written + 3);
    }

    // Status and error lines cannot carry CR or LF: they would end the line early and desynchronise the client.
    private static void WriteLine(IBufferWriter<byte> output, byte prefix, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var span = output.GetSpan(length + 3);
        span[0] = prefix;
        Encoding.UTF8.GetBytes(text, span[1..]);
        foreach (ref var b in span.Slice(1, length))
        {
            if (b is (byte)'\r' or (byte)'\n') b = (byte)' ';
        }

        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        output.Advance(length + 3);
    }

    private static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }
}
