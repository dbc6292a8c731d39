using KvActors.Server;
using Xunit;

namespace KvActors.Tests.Server;

public sealed class ServerSettingsSpec
{
    [Theory]
    [InlineData(-2)]
    [InlineData(65536)]
    public void ServerSettings_should_refuse_a_resp_port_out_of_range(int port)
    {
        Assert.Throws<ArgumentException>(() => new ServerSettings { RespPort = port }.Validate());
    }

    [Fact]
    public void ServerSettings_should_refuse_the_same_port_for_remoting_and_resp()
    {
        Assert.Throws<ArgumentException>(() => new ServerSettings { Port = 7000, RespPort = 7000 }.Validate());
        new ServerSettings { RespPort = ServerSettings.RespDisabled }.Validate();
        new ServerSettings { Port = 0, RespPort = 0 }.Validate();
    }

    [Fact]
    public void ServerSettings_should_keep_shared_journal_replication_by_default()
    {
        var settings = ServerSettings.FromConfig(Akka.Configuration.Config.Empty);

        Assert.Equal(ReplicationMode.SharedJournal, settings.Replication);
        Assert.Equal(3, settings.Replicas);
    }

    [Theory]
    [InlineData("raft", ReplicationMode.Raft)]
    [InlineData(" Shared-Journal ", ReplicationMode.SharedJournal)]
    public void ServerSettings_should_parse_the_replication_mode(string text, ReplicationMode expected)
    {
        Assert.Equal(expected, ServerSettings.ParseReplication(text));
        Assert.Equal(expected, ServerSettings.FromConfig(Akka.Configuration.ConfigurationFactory.ParseString($"kv.replication = \"{text}\"")).Replication);
    }

    [Fact]
    public void ServerSettings_should_refuse_an_unknown_replication_mode_in_one_line()
    {
        var refusal = Assert.Throws<ArgumentException>(() => ServerSettings.ParseReplication("paxos"));
        Assert.Equal("replication must be 'raft' or 'shared-journal', got 'paxos'", refusal.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-3)]
    public void ServerSettings_should_refuse_a_replica_count_that_is_not_odd_and_positive(int replicas)
    {
        var refusal = Assert.Throws<ArgumentException>(() => (Raft() with { Replicas = replicas }).Validate());
        Assert.Equal($"replicas must be an odd number, at least 1, got {replicas}", refusal.Message);
    }

    [Fact]
    public void ServerSettings_should_refuse_raft_without_seed_nodes()
    {
        var refusal = Assert.Throws<ArgumentException>(() => (Raft() with { SeedNodes = [] }).Validate());
        Assert.StartsWith("replication raft needs --seed-nodes", refusal.Message);
    }

    [Fact]
    public void ServerSettings_should_take_a_raft_node_outside_the_seed_list_but_not_on_port_0()
    {
        // Not a founding node: it joins, and replicas are moved onto it.
        (Raft() with { Port = 7004 }).Validate();
        // Port 0 picks a free port: after a restart the node would be somewhere else, its replicas lost.
        var refusal = Assert.Throws<ArgumentException>(() => (Raft() with { Port = 0 }).Validate());
        Assert.StartsWith("replication raft needs a fixed --port, not 0", refusal.Message);
    }

    [Fact]
    public void ServerSettings_should_refuse_raft_on_a_shared_postgres_journal_or_a_seed_named_twice()
    {
        Assert.StartsWith("replication raft keeps each node's log on its own disk",
            Assert.Throws<ArgumentException>(() => (Raft() with { Journal = "postgres:Host=x" }).Validate()).Message);
        Assert.StartsWith("replication raft needs distinct --seed-nodes",
            Assert.Throws<ArgumentException>(() => (Raft() with { SeedNodes = ["127.0.0.1:7001", "127.0.0.1:7001"] }).Validate()).Message);
        (Raft() with { Journal = "sqlite:/tmp/x" }).Validate();
        // Shared-journal mode ignores the replica count's parity only if it is valid: the same rule for both modes.
        new ServerSettings { SeedNodes = ["127.0.0.1:7001"], Port = 7009 }.Validate();
    }

    private static ServerSettings Raft() => new()
    {
        Port = 7001,
        SeedNodes = ["127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"],
        Replication = ReplicationMode.Raft,
    };
}
