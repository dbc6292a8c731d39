using System.Buffers;

namespace KvActors.Resp.Protocol;

/// <summary>
/// Parses requests from one connection's byte stream: RESP multibulk (<c>*N\r\n$len\r\narg\r\n...</c>) and inline
/// commands (a text line). It is incremental: whatever of a command has arrived is taken out of the buffer and kept
/// here, so a large argument never has to sit whole in the connection's input pipe (which would stall it at its
/// pause threshold) and a declared length is never allocated up front. Only a header line still missing its end
/// stays in the buffer, and that is bounded by <see cref="MaxLineBytes"/>.
/// </summary>
internal sealed class RespParser(int maxBulkBytes, int maxArguments)
{
    /// <summary>Longest inline command or header line (Redis PROTO_INLINE_MAX_SIZE).</summary>
    public const int MaxLineBytes = 64 * 1024;

    // A bulk string that arrives in pieces starts with a buffer this big and doubles up to its declared length.
    private const int FirstChunkBytes = 16 * 1024;

    // A header line is "*" or "$" and a 64-bit integer: anything longer is not a number we accept.
    private const int MaxHeaderBytes = 32;

    // The multibulk command being assembled; null between commands.
    private byte[][]? _args;
    private int _declaredArgs;
    private int _argsRead;

    // The bulk argument being assembled; _bulkLength is -1 while its "$len" header is still to come.
    private byte[]? _bulk;
    private int _bulkLength = -1;
    private int _bulkFilled;

    /// <summary>
    /// Takes the next complete command out of <paramref name="buffer"/>, advancing it past what was consumed.
    /// Returns false when more bytes are needed; the bytes left in the buffer must be offered again with more after
    /// them. Throws <see cref="RespProtocolException"/> on a malformed stream.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out RespCommand command)
    {
        command = default;
        while (_args is null)
        {
            if (buffer.IsEmpty) return false;
            if (buffer.FirstSpan[0] != (byte)'*')
            {
                if (!TryReadInline(ref buffer, out var inline)) return false;
                if (inline.Length == 0) continue; // a blank line, ignored like Redis
                command = new RespCommand(inline);
                return true;
            }

            if (!TryReadHeader(ref buffer, "mbulk", out var count)) return false;
            if (count > maxArguments) throw new RespProtocolException("invalid multibulk length");
            if (count <= 0) continue; // "*0" and "*-1" are empty commands, ignored like Redis

            // The declared count is only trusted up to a point; the array grows if the arguments really come.
            _args = new byte[Math.Min(count, 1024)][];
            _argsRead = 0;
            _declaredArgs = (int)count;
        }

        while (_argsRead < _declaredArgs)
        {
            if (_bulkLength < 0)
            {
                if (buffer.IsEmpty) return false;
                var first = buffer.FirstSpan[0];
                if (first != (byte)'$') throw new RespProtocolException($"expected '$', got '{Printable(first)}'");
                if (!TryReadHeader(ref buffer, "bulk", out var length)) return false;
                if (length < 0 || length > maxBulkBytes) throw new RespProtocolException("invalid bulk length");
                _bulkLength = (int)length;
                _bulkFilled = 0;
                _bulk = null;
            }

            if (!TryReadBulk(ref buffer, out var arg)) return false;
            if (_argsRead == _args!.Length) Array.Resize(ref _args, (int)Math.Min(_declaredArgs, 2L * _args.Length));
            _args[_argsRead++] = arg;
        }

        command = new RespCommand(_args!);
        _args = null;
        return true;
    }

    private bool TryReadBulk(ref ReadOnlySequence<byte> buffer, out byte[] arg)
    {
        arg = [];
        // Fast path: the whole argument and its CRLF are here.
        if (_bulk is null && buffer.Length >= _bulkLength + 2L)
        {
            arg = _bulkLength == 0 ? [] : buffer.Slice(0, _bulkLength).ToArray();
            ExpectCrlf(buffer.Slice(_bulkLength, 2));
            buffer = buffer.Slice(_bulkLength + 2L);
            _bulkLength = -1;
            return true;
        }

        var missing = _bulkLength - _bulkFilled;
        if (missing > 0)
        {
            var take = (int)Math.Min(buffer.Length, missing);
            if (take == 0) return false;
            Grow(_bulkFilled + take);
            buffer.Slice(0, take).CopyTo(_bulk.AsSpan(_bulkFilled));
            _bulkFilled += take;
            buffer = buffer.Slice(take);
            if (_bulkFilled < _bulkLength) return false;
        }

        if (buffer.Length < 2) return false;

        ExpectCrlf(buffer.Slice(0, 2));
        buffer = buffer.Slice(2);
        arg = _bulk ?? [];
        _bulk = null;
        _bulkLength = -1;
        return true;
    }

    private void Grow(int needed)
    {
        if (_bulk is not null && _bulk.Length >= needed) return;
        var size = Math.Max(needed, Math.Max(FirstChunkBytes, (_bulk?.Length ?? 0) * 2));
        Array.Resize(ref _bulk, Math.Min(size, _bulkLength));
    }

    // "*<n>\r\n" or "$<n>\r\n"; kind names it in errors as Redis does ("too big mbulk count string").
    private static bool TryReadHeader(ref ReadOnlySequence<byte> buffer, string kind, out long value)
    {
        value = 0;
        if (!TryReadLine(ref buffer, MaxHeaderBytes, out var line))
        {
            if (buffer.Length > MaxHeaderBytes) throw new RespProtocolException($"too big {kind} count string");
            return false;
        }

        Span<byte> text = stackalloc byte[MaxHeaderBytes];
        var length = (int)line.Length;
        line.CopyTo(text);
        if (!RespIntegers.TryParse(text[1..length], out value))
            throw new RespProtocolException(kind == "mbulk" ? "invalid multibulk length" : "invalid bulk length");
        return true;
    }

    private static bool TryReadInline(ref ReadOnlySequence<byte> buffer, out byte[][] args)
    {
        args = [];
        if (!TryReadLine(ref buffer, MaxLineBytes, out var line))
        {
            if (buffer.Length > MaxLineBytes) throw new RespProtocolException("too big inline request");
            return false;
        }

        if (line.IsSingleSegment)
        {
            args = InlineCommandSplitter.Split(line.FirstSpan);
        }
        else
        {
            var copy = ArrayPool<byte>.Shared.Rent((int)line.Length);
            line.CopyTo(copy);
            args = InlineCommandSplitter.Split(copy.AsSpan(0, (int)line.Length));
            ArrayPool<byte>.Shared.Return(copy);
        }

        return true;
    }

    // A line ends at LF; a CR before it is dropped. Returns false if no LF is within maxBytes.
    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, int maxBytes, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out line, (byte)'\n')) return false;
        if (line.Length > 0 && EndsWithCr(line)) line = line.Slice(0, line.Length - 1);
        if (line.Length > maxBytes) return false; // the caller sees the buffer is past the limit and rejects it
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }

    private static void ExpectCrlf(ReadOnlySequence<byte> two)
    {
        Span<byte> crlf = stackalloc byte[2];
        two.CopyTo(crlf);
        if (crlf[0] != (byte)'\r' || crlf[1] != (byte)'\n') throw new RespProtocolException("expected CRLF after bulk data");
    }

    private static char Printable(byte b) => b is >= 0x20 and < 0x7f ? (char)b : '?';
}
