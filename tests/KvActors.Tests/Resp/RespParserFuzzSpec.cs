using System.Buffers;
using System.Text;
using KvActors.Resp.Protocol;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.Tests.Resp;

/// <summary>
/// The RESP parser fed hostile streams in random chunks, as a connection's pipe would hand them over, from
/// generators with fixed seeds: random bytes, and valid commands mutated. Whatever arrives, the only exception is
/// <see cref="RespProtocolException"/>, the bytes left waiting in the pipe stay within one header line, and memory
/// grows with what was received, never with what a header declares.
/// </summary>
public sealed class RespParserFuzzSpec
{
    private const int MaxBulk = 512 * 1024 * 1024;
    private const int MaxArguments = 1024 * 1024;
    private const int Streams = 2000;

    [Fact]
    public void RespParser_should_parse_random_valid_commands_split_at_random_points()
    {
        var random = new Random(1);
        for (var s = 0; s < Streams / 4; s++)
        {
            var commands = Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomCommand(random)).ToList();
            var stream = commands.SelectMany(c => RawRespClient.Encode(c)).ToArray();

            var parsed = Feed(new RespParser(MaxBulk, MaxArguments), stream, random, out var error);

            Assert.Null(error);
            Assert.Equal(commands.Select(Show), parsed.Select(Show));
        }
    }

    [Fact]
    public void RespParser_should_refuse_random_bytes_only_with_a_protocol_error()
    {
        var random = new Random(2);
        for (var s = 0; s < Streams; s++)
        {
            var stream = new byte[random.Next(1, 2048)];
            random.NextBytes(stream);
            // Half of the streams look like RESP at first sight, so the parser gets past its first byte.
            if (s % 2 == 0) stream[0] = (byte)"*$+:\r\n"[random.Next(6)];

            Feed(new RespParser(MaxBulk, MaxArguments), stream, random, out var error);

            Assert.True(error is null or RespProtocolException, $"stream {s}: {error}");
        }
    }

    [Fact]
    public void RespParser_should_refuse_mutated_commands_only_with_a_protocol_error()
    {
        var random = new Random(3);
        var refused = 0;
        for (var s = 0; s < Streams; s++)
        {
            var stream = Mutate(RandomCommands(random), random);

            Feed(new RespParser(MaxBulk, MaxArguments), stream, random, out var error);

            Assert.True(error is null or RespProtocolException, $"stream {s} [{Encoding.Latin1.GetString(stream)}]: {error}");
            if (error is not null) refused++;
        }

        Assert.True(refused > Streams / 10, $"only {refused} of {Streams} mutated streams were refused: the mutations are too gentle");
    }

    [Theory]
    [InlineData("*1\r\n$536870000\r\n")]
    [InlineData("*1048576\r\n")]
    [InlineData("*1048576\r\n$536870000\r\n")]
    public void RespParser_should_allocate_for_what_arrives_not_for_what_a_header_declares(string header)
    {
        var random = new Random(4);
        var stream = Encoding.ASCII.GetBytes(header).Concat(Enumerable.Repeat((byte)'x', 100_000)).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();

        Feed(new RespParser(MaxBulk, MaxArguments), stream, random, out var error);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(error is null or RespProtocolException, error?.ToString());
        Assert.True(allocated < 16 * stream.Length, $"{allocated} bytes allocated for a {stream.Length}-byte stream");
    }

    // Feeds the stream in random chunks; what the parser leaves in the buffer is offered again with the next chunk.
    private static List<byte[][]> Feed(RespParser parser, byte[] stream, Random random, out Exception? error)
    {
        var commands = new List<byte[][]>();
        var waiting = Array.Empty<byte>();
        error = null;
        for (var position = 0; position < stream.Length;)
        {
            var take = Math.Min(stream.Length - position, random.Next(3) == 0 ? random.Next(1, 8) : random.Next(1, 4096));
            var buffer = new ReadOnlySequence<byte>([.. waiting, .. stream.AsSpan(position, take)]);
            position += take;
            try
            {
                while (parser.TryRead(ref buffer, out var command)) commands.Add(command.Args);
            }
            catch (Exception e)
            {
                error = e;
                return commands;
            }

            waiting = buffer.ToArray();
            Assert.True(waiting.Length <= RespParser.MaxLineBytes + 2, $"{waiting.Length} bytes left waiting in the buffer");
        }

        return commands;
    }

    private static byte[][] RandomCommand(Random random) =>
        Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomBytes(random, random.Next(4) == 0 ? random.Next(0, 40_000) : random.Next(0, 20))).ToArray();

    private static byte[] RandomCommands(Random random) =>
        Enumerable.Range(0, random.Next(1, 4)).SelectMany(_ => random.Next(4) == 0 ? Encoding.ASCII.GetBytes("PING a b\r\n") : RawRespClient.Encode(RandomCommand(random))).ToArray();

    // Values deliberately full of CR, LF, '$' and '*', the bytes framing is made of.
    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        for (var i = 0; i < length; i += random.Next(1, 16)) bytes[i] = (byte)"\r\n$*"[random.Next(4)];
        return bytes;
    }

    private static byte[] Mutate(byte[] stream, Random random)
    {
        var bytes = stream.ToList();
        for (var m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 8))); break;
                case 2: bytes.InsertRange(at, Encoding.ASCII.GetBytes(random.Next(3) switch { 0 => "-1", 1 => "99999999999999999999", _ => random.Next().ToString() })); break;
                case 3: bytes.Insert(at, (byte)"\r\n$*:"[random.Next(5)]); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                default: bytes.InsertRange(at, bytes.GetRange(0, Math.Min(at, 32))); break;
            }
        }

        return bytes.ToArray();
    }

    private static string Show(byte[][] command) => string.Join(" ", command.Select(Convert.ToHexString));
}
