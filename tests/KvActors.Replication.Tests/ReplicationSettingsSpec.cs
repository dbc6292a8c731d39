using Akka.Configuration;
using Xunit;

namespace KvActors.Replication.Tests;

/// <summary>The <c>kv.raft</c> section as users write it: durations in, ticks of the node's one timer out.</summary>
public sealed class ReplicationSettingsSpec
{
    private static Config Raft(string body) => ConfigurationFactory.ParseString($"kv.raft {{ {body} }}");

    [Fact]
    public void Timing_should_default_to_a_100ms_heartbeat_and_a_600ms_election_timeout_in_50ms_ticks()
    {
        var settings = new ReplicationSettings().WithConfig(ReplicationConfig.Default);

        Assert.Equal(TimeSpan.FromMilliseconds(50), settings.TickInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(100), settings.TickInterval * settings.HeartbeatTicks);
        Assert.Equal(TimeSpan.FromMilliseconds(600), settings.TickInterval * settings.ElectionTicks);
    }

    [Fact]
    public void Timing_should_follow_the_configured_heartbeat_and_election_timeout()
    {
        var settings = new ReplicationSettings().WithConfig(Raft("heartbeat-interval = 200ms, election-timeout = 2s"));

        Assert.Equal(TimeSpan.FromMilliseconds(100), settings.TickInterval);
        Assert.Equal(2, settings.HeartbeatTicks);
        Assert.Equal(20, settings.ElectionTicks);
    }

    [Fact]
    public void Timing_should_refuse_an_election_timeout_shorter_than_three_heartbeats()
    {
        var refused = Assert.Throws<ArgumentException>(() => new ReplicationSettings().WithConfig(Raft("heartbeat-interval = 100ms, election-timeout = 250ms")));

        Assert.Equal("kv.raft.election-timeout (250ms) must be at least 3 heartbeat intervals (300ms)", refused.Message);
    }
}
