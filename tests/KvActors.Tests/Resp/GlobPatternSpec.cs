using System.Text;
using KvActors.Resp.Keys;
using Xunit;

namespace KvActors.Tests.Resp;

public sealed class GlobPatternSpec
{
    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("*", "", true)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h*llo", "hllo", true)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h[b-a]llo", "hallo", true)]
    [InlineData("h[a-b]llo", "hcllo", false)]
    [InlineData("h\\*llo", "h*llo", true)]
    [InlineData("h\\*llo", "hello", false)]
    [InlineData("[\\]]", "]", true)]
    [InlineData("user:*:name", "user:42:name", true)]
    [InlineData("user:*:name", "user:42:age", false)]
    [InlineData("*a*b*c*", "xxaxxbxxcxx", true)]
    [InlineData("*a*b*c*", "xxaxxcxxbxx", false)]
    [InlineData("h[ae", "ha", true)]
    [InlineData("ab\\", "ab\\", true)]
    public void GlobPattern_should_match_like_redis(string pattern, string key, bool matches)
    {
        Assert.Equal(matches, new GlobPattern(Encoding.UTF8.GetBytes(pattern)).Matches(key));
    }

    [Fact]
    public void GlobPattern_should_match_multi_byte_characters_by_their_utf8_bytes()
    {
        Assert.True(new GlobPattern(Encoding.UTF8.GetBytes("caf??")).Matches("café"));
        Assert.False(new GlobPattern(Encoding.UTF8.GetBytes("caf?")).Matches("café"));
    }

    [Fact]
    public void GlobPattern_should_not_take_exponential_time_on_many_stars()
    {
        var pattern = new GlobPattern(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a*", 30)) + "b"));
        Assert.False(pattern.Matches(new string('a', 4000)));
    }

    [Theory]
    [InlineData("user:*", "user:")]
    [InlineData("user:?", "user:")]
    [InlineData("user[12]", "user")]
    [InlineData("a\\*b*", "a*b")]
    [InlineData("*", "")]
    [InlineData("exact", "exact")]
    public void GlobPattern_should_narrow_a_scan_to_its_literal_prefix(string pattern, string prefix)
    {
        Assert.Equal(prefix, new GlobPattern(Encoding.UTF8.GetBytes(pattern)).LiteralPrefix);
    }

    [Fact]
    public void GlobPattern_should_cut_a_prefix_that_ends_inside_a_character_back_to_whole_characters()
    {
        byte[] pattern = [(byte)'a', 0xC3, (byte)'*'];
        Assert.Equal("a", new GlobPattern(pattern).LiteralPrefix);
    }
}
