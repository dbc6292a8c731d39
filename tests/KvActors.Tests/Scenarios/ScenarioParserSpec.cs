using System.Text;
using KvActors.Protocol;
using Xunit;

namespace KvActors.Tests.Scenarios;

public sealed class ScenarioParserSpec
{
    [Theory]
    [InlineData("get a => found x 1\nfrobnicate a => written 1", 2, "unknown command 'frobnicate'")]
    [InlineData("# comment\n\nset a 1", 3, "missing expectation")]
    [InlineData("set \"a b c => written 1", 1, "unterminated quoted string")]
    [InlineData("get a => written 1", 1, "get answers 'found' or 'error'")]
    [InlineData("set a \"\\q\" => written 1", 1, "unknown escape \\q")]
    [InlineData("get \"\\xff\" => error InvalidKey", 1, "only allowed in values")]
    [InlineData("set a 1 => error NoSuchCode", 1, "with CODE one of NotFound")]
    [InlineData("set a 1 expect=x => written 1", 1, "'x' is not a whole number")]
    [InlineData("scan a: limit=2 after=a limit=3 => page", 1, "limit= is given twice")]
    [InlineData("set a 1 => written 1\n@snapshot-every 5", 2, "must come before the first step")]
    [InlineData("restart => written 1", 1, "restart takes no arguments")]
    public void Malformed_line_should_be_reported_with_file_and_line(string text, int line, string reason)
    {
        var error = Assert.Throws<ScenarioParseException>(() => ScenarioParser.Parse("bad.kvs", text));

        Assert.StartsWith($"bad.kvs:{line}: ", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Step_should_parse_into_request_and_expectation()
    {
        var scenario = ScenarioParser.Parse("good.kvs", """
            @snapshot-every 3
            set "a b" "x\ty\xff" expect=0 => written 1   # trailing comment
            scan user: after=user:a limit=2 => page user:b@2 "we@ird"@3=hi next=we@ird
            """);

        Assert.Equal(3, scenario.SnapshotEvery);
        var set = Assert.IsType<RequestStep>(scenario.Steps[0]);
        var request = Assert.IsType<Set>(set.Request);
        Assert.Equal(("a b", 0L), (request.Key, request.ExpectedRevision));
        Assert.Equal([.. Encoding.UTF8.GetBytes("x\ty"), 0xff], request.Value);
        Assert.Equal(new ExpectWritten("written 1", 1), set.Expected);

        var scan = Assert.IsType<RequestStep>(scenario.Steps[1]);
        Assert.Equal(new Scan("user:", "user:a", 2), scan.Request);
        var page = Assert.IsType<ExpectPage>(scan.Expected);
        Assert.Equal(["user:b", "we@ird"], page.Entries.Select(e => e.Key));
        Assert.Equal("hi"u8.ToArray(), page.Entries[1].Value);
        Assert.Equal("we@ird", page.NextCursor);
    }

    [Theory]
    [InlineData("repeat:x:5", "xxxxx")]
    [InlineData("repeat:\"é\":2", "éé")]
    [InlineData("repeat:a:b:2", "a:ba:b")]
    [InlineData("\"\\u{1F600}\\u00e9\"", "😀é")]
    [InlineData("\"\"", "")]
    public void Literal_should_decode_generators_and_escapes(string word, string text)
    {
        Assert.Equal(text, ScenarioLiteral.ToText(word));
        Assert.Equal(Encoding.UTF8.GetBytes(text), ScenarioLiteral.ToBytes(word));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("\"two words\"")]
    [InlineData("\"\\\"quoted\\\" \\\\ \\n\\t\\0\"")]
    [InlineData("\"\\xff\\x00ok\"")]
    [InlineData("\"\"")]
    [InlineData("\"a@b=c\"")]
    public void Formatted_value_should_read_back_to_the_same_bytes(string word)
    {
        var bytes = ScenarioLiteral.ToBytes(word);
        Assert.Equal(bytes, ScenarioLiteral.ToBytes(ScenarioLiteral.FormatBytes(bytes)));
    }
}
