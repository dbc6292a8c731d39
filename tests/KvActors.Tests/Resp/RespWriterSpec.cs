using System.Buffers;
using System.Text;
using KvActors.Resp.Protocol;
using Xunit;

namespace KvActors.Tests.Resp;

public sealed class RespWriterSpec
{
    public static TheoryData<string, string, string> Replies => new()
    {
        { "ok", "+OK\r\n", "+OK\r\n" },
        { "error", "-ERR syntax error\r\n", "-ERR syntax error\r\n" },
        { "integer", ":-42\r\n", ":-42\r\n" },
        { "bulk", "$3\r\nbar\r\n", "$3\r\nbar\r\n" },
        { "empty bulk", "$0\r\n\r\n", "$0\r\n\r\n" },
        { "null", "$-1\r\n", "_\r\n" },
        { "array", "*2\r\n$1\r\na\r\n:1\r\n", "*2\r\n$1\r\na\r\n:1\r\n" },
        { "empty array", "*0\r\n", "*0\r\n" },
        { "map", "*2\r\n$5\r\nproto\r\n:3\r\n", "%1\r\n$5\r\nproto\r\n:3\r\n" },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void RespWriter_should_encode_replies_for_resp2_and_resp3(string kind, string resp2, string resp3)
    {
        var value = kind switch
        {
            "ok" => RespValue.Ok,
            "error" => RespValue.Error("ERR syntax error"),
            "integer" => RespValue.From(-42),
            "bulk" => RespValue.Bulk("bar"),
            "empty bulk" => RespValue.Bulk(Array.Empty<byte>()),
            "null" => RespValue.Null,
            "array" => RespValue.Array([RespValue.Bulk("a"), RespValue.One]),
            "empty array" => RespValue.EmptyArray,
            _ => RespValue.Map([RespValue.Bulk("proto"), RespValue.From(3)]),
        };

        Assert.Equal(resp2, Encode(value, RespVersion.Resp2));
        Assert.Equal(resp3, Encode(value, RespVersion.Resp3));
    }

    [Fact]
    public void RespWriter_should_never_let_an_error_message_break_the_line()
    {
        Assert.Equal("-ERR bad  key\r\n", Encode(RespValue.Error("ERR bad\r\nkey"), RespVersion.Resp2));
    }

    [Fact]
    public void RespWriter_should_write_a_large_bulk_string_whole()
    {
        var value = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();
        var output = new ArrayBufferWriter<byte>();

        RespWriter.Write(output, RespValue.Bulk(value), RespVersion.Resp2);

        Assert.Equal(Encoding.ASCII.GetBytes("$300000\r\n").Concat(value).Concat("\r\n"u8.ToArray()), output.WrittenSpan.ToArray());
    }

    private static string Encode(RespValue value, RespVersion version)
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.Write(output, value, version);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
