using KvActors.Cli;
using KvActors.Cli.Shell;
using Xunit;

namespace KvActors.Tests.Cli;

public sealed class ShellWordsSpec
{
    [Theory]
    [InlineData("get k", new[] { "get", "k" })]
    [InlineData("  set   k\tv  ", new[] { "set", "k", "v" })]
    [InlineData("set k \"hello world\"", new[] { "set", "k", "hello world" })]
    [InlineData("set k 'it''s'", new[] { "set", "k", "its" })]
    [InlineData("set k \"say \\\"hi\\\" \\\\ bye\"", new[] { "set", "k", "say \"hi\" \\ bye" })]
    [InlineData("set k 'no \\escapes'", new[] { "set", "k", "no \\escapes" })]
    [InlineData("set a\\ b \"\"", new[] { "set", "a b", "" })]
    [InlineData("set k pre\"fix\"ed", new[] { "set", "k", "prefixed" })]
    public void ShellWords_should_split_like_a_posix_shell(string line, string[] expected) =>
        Assert.Equal(expected, ShellWords.Split(line));

    [Theory]
    [InlineData("set k \"open")]
    [InlineData("set k 'open")]
    [InlineData("set k \\")]
    public void ShellWords_should_reject_an_unfinished_line(string line) =>
        Assert.Throws<CliUsageException>(() => ShellWords.Split(line));
}
