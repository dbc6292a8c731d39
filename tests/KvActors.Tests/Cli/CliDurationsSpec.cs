using KvActors.Cli;
using Xunit;

namespace KvActors.Tests.Cli;

public sealed class CliDurationsSpec
{
    [Theory]
    [InlineData("5s", 5000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("3", 3000)]
    [InlineData(" 10S ", 10_000)]
    public void Durations_should_parse_what_users_type(string text, int milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5h")]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("2d")]
    public void Durations_should_reject_anything_else(string text) => Assert.False(Durations.TryParse(text, out _));
}
