using System.Buffers;
using System.Text;
using KvActors.Resp.Protocol;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.Tests.Resp;

public sealed class RespParserSpec
{
    private const int MaxBulk = 512 * 1024 * 1024;

    [Fact]
    public void RespParser_should_read_a_multibulk_command()
    {
        var commands = ParseAll(new RespParser(MaxBulk, 1024), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva\r\nl\r\n");

        Assert.Equal(["SET k va\r\nl"], commands);
    }

    [Fact]
    public void RespParser_should_read_every_pipelined_command_in_order()
    {
        var frames = string.Concat(Enumerable.Range(0, 100).Select(i => Text(RawRespClient.Encode("SET", $"k{i}", $"v{i}"))));

        var commands = ParseAll(new RespParser(MaxBulk, 1024), frames);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"SET k{i} v{i}"), commands);
    }

    [Fact]
    public void RespParser_should_assemble_commands_split_at_every_possible_byte()
    {
        var frames = RawRespClient.Encode("SET", "key", "a value").Concat(RawRespClient.Encode("GET", "key")).Concat("PING\r\n"u8.ToArray()).ToArray();

        for (var split = 1; split < frames.Length; split++)
        {
            var parser = new RespParser(MaxBulk, 1024);
            var commands = Feed(parser, frames[..split], frames[split..]);
            Assert.Equal(["SET key a value", "GET key", "PING"], commands);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void RespParser_should_read_commands_spread_over_many_buffer_segments(int segmentBytes)
    {
        var frames = RawRespClient.Encode("SET", "key", "a value").Concat("GET key\r\n"u8.ToArray()).ToArray();
        var buffer = Segmented(frames, segmentBytes);
        var parser = new RespParser(MaxBulk, 1024);

        Assert.True(parser.TryRead(ref buffer, out var set));
        Assert.True(parser.TryRead(ref buffer, out var get));

        Assert.Equal("SET key a value", string.Join(' ', set.Args.Select(Encoding.UTF8.GetString)));
        Assert.Equal("GET key", string.Join(' ', get.Args.Select(Encoding.UTF8.GetString)));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void RespParser_should_assemble_a_command_arriving_one_byte_at_a_time()
    {
        var frame = RawRespClient.Encode("SET", "k", new string('x', 40_000));
        var parser = new RespParser(MaxBulk, 1024);

        var commands = Feed(parser, frame.Select(b => new[] { b }).ToArray());

        Assert.Equal(["SET k " + new string('x', 40_000)], commands);
    }

    [Fact]
    public void RespParser_should_take_partial_bulk_data_out_of_the_buffer_so_a_large_value_never_sits_whole_in_it()
    {
        var parser = new RespParser(MaxBulk, 1024);
        var buffer = Sequence("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n" + new string('x', 300_000));

        Assert.False(parser.TryRead(ref buffer, out _));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void RespParser_should_not_allocate_what_a_huge_declared_length_claims()
    {
        var parser = new RespParser(MaxBulk, 1024 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var buffer = Sequence("*1048576\r\n$536870912\r\nabc");
        Assert.False(parser.TryRead(ref buffer, out _));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024, "the parser allocated for the declared sizes");
    }

    [Theory]
    [InlineData("PING\r\n", "PING")]
    [InlineData("PING\n", "PING")]
    [InlineData("  set   k  v \r\n", "set k v")]
    [InlineData("SET k \"a b\\r\\n\\x41\"\r\n", "SET k a b\r\nA")]
    [InlineData("SET k 'it\\'s'\r\n", "SET k it's")]
    [InlineData("ECHO \"\"\r\n", "ECHO ")]
    public void RespParser_should_read_inline_commands_like_redis(string line, string expected)
    {
        Assert.Equal([expected], ParseAll(new RespParser(MaxBulk, 1024), line));
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("*0\r\n")]
    [InlineData("*-1\r\n")]
    public void RespParser_should_skip_empty_commands_like_redis(string frame)
    {
        Assert.Equal(["PING"], ParseAll(new RespParser(MaxBulk, 1024), frame + "PING\r\n"));
    }

    [Theory]
    [InlineData("*2\r\n$3\r\nGET\r\n:1\r\n", "expected '$', got ':'")]
    [InlineData("*x\r\n", "invalid multibulk length")]
    [InlineData("*1\r\n$-1\r\n", "invalid bulk length")]
    [InlineData("*1\r\n$-5\r\n", "invalid bulk length")]
    [InlineData("*1\r\n$abc\r\n", "invalid bulk length")]
    [InlineData("*1\r\n$01\r\n", "invalid bulk length")]
    [InlineData("*1\r\n$3\r\nGETXX", "expected CRLF after bulk data")]
    [InlineData("*2000\r\n", "invalid multibulk length")]
    [InlineData("*1\r\n$2000\r\n", "invalid bulk length")]
    [InlineData("SET k \"unterminated\r\n", "unbalanced quotes in request")]
    [InlineData("SET k \"a\"b\r\n", "unbalanced quotes in request")]
    public void RespParser_should_reject_malformed_frames(string frame, string error)
    {
        var parser = new RespParser(maxBulkBytes: 1024, maxArguments: 1024);
        var buffer = Sequence(frame);

        var e = Assert.Throws<RespProtocolException>(() => parser.TryRead(ref buffer, out _));
        Assert.Equal(error, e.Message);
    }

    [Theory]
    [InlineData('*', "too big mbulk count string")]
    [InlineData('$', "too big bulk count string")]
    public void RespParser_should_reject_a_header_line_that_never_ends(char kind, string error)
    {
        var parser = new RespParser(MaxBulk, 1024);
        var buffer = Sequence((kind == '$' ? "*1\r\n$" : "*") + new string('9', 100));

        var e = Assert.Throws<RespProtocolException>(() => parser.TryRead(ref buffer, out _));
        Assert.Equal(error, e.Message);
    }

    [Fact]
    public void RespParser_should_reject_an_inline_command_longer_than_64_KiB()
    {
        var parser = new RespParser(MaxBulk, 1024);
        var buffer = Sequence("SET k " + new string('v', RespParser.MaxLineBytes));

        var e = Assert.Throws<RespProtocolException>(() => parser.TryRead(ref buffer, out _));
        Assert.Equal("too big inline request", e.Message);
    }

    [Fact]
    public void RespParser_should_wait_for_an_inline_command_still_arriving()
    {
        var parser = new RespParser(MaxBulk, 1024);
        var buffer = Sequence("SET k val");

        Assert.False(parser.TryRead(ref buffer, out _));
        Assert.Equal(9, buffer.Length);
    }

    [Fact]
    public void RespParser_should_keep_binary_arguments_intact()
    {
        byte[] binary = [0, 255, 13, 10, 42, 36];
        var buffer = new ReadOnlySequence<byte>(RawRespClient.Encode("SET"u8.ToArray(), "k"u8.ToArray(), binary));

        Assert.True(new RespParser(MaxBulk, 1024).TryRead(ref buffer, out var command));
        Assert.Equal(binary, command.Args[2]);
    }

    private static List<string> ParseAll(RespParser parser, string frames) => Feed(parser, Encoding.UTF8.GetBytes(frames));

    // Offers the chunks one read at a time, keeping unconsumed bytes in front of the next chunk as a pipe does.
    private static List<string> Feed(RespParser parser, params byte[][] chunks)
    {
        var commands = new List<string>();
        var pending = Array.Empty<byte>();
        foreach (var chunk in chunks)
        {
            var buffer = new ReadOnlySequence<byte>([.. pending, .. chunk]);
            while (parser.TryRead(ref buffer, out var command))
                commands.Add(string.Join(' ', command.Args.Select(Encoding.UTF8.GetString)));
            pending = buffer.ToArray();
        }

        return commands;
    }

    private static ReadOnlySequence<byte> Sequence(string text) => new(Encoding.UTF8.GetBytes(text));

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentBytes)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(segmentBytes, bytes.Length)), 0);
        var last = first;
        for (var i = segmentBytes; i < bytes.Length; i += segmentBytes)
            last = last.Append(bytes.AsMemory(i, Math.Min(segmentBytes, bytes.Length - i)));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
