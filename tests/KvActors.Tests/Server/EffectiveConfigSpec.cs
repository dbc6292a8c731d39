using Akka.Configuration;
using KvActors.Cluster;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Tests.Infrastructure;
using Xunit;

namespace KvActors.Tests.Server;

/// <summary>
/// The configuration a server runs with, built as the host builds it (<see cref="ClusterBootstrap.ServerFor"/>
/// over hocon/kv.conf): the Akka settings it depends on end up with the intended values, wherever they live
/// (kv.conf for what operators choose, the embedded reference.conf files for the rest). Moving a setting between
/// them cannot silently drop it.
/// </summary>
public sealed class EffectiveConfigSpec
{
    private static Config Single(ServerSettings? settings = null) =>
        ClusterBootstrap.ServerFor((settings ?? new ServerSettings()) with { DataDirectory = "/srv/kv" }, ServerTestKit.ShippedConfig).Config;

    private static Config ClusterNode() =>
        Single(new ServerSettings { SeedNodes = ["10.0.0.1:4053", "10.0.0.2:4053"], Roles = ["a"] });

    [Fact]
    public void A_server_should_speak_remoting_on_the_configured_address_with_frames_that_fit_its_values()
    {
        var config = Single(new ServerSettings { Host = "10.0.0.7", Port = 4060, MaxValueBytes = 2 * 1024 * 1024 });

        Assert.Equal("remote", config.GetString("akka.actor.provider"));
        Assert.Equal("10.0.0.7", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4060, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal<long?>(ProtocolLimits.RemotingFrameBytes(2 * 1024 * 1024), config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enforce-ip-family"));
        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.dns-use-ipv6"));
        Assert.False(config.GetBoolean("akka.remote.log-remote-lifecycle-events"));
    }

    [Fact]
    public void A_server_should_log_at_info_and_keep_standard_output_for_warnings()
    {
        var config = Single();
        Assert.Equal("INFO", config.GetString("akka.loglevel"));
        Assert.Equal("WARNING", config.GetString("akka.stdout-loglevel"));
    }

    [Fact]
    public void A_server_should_bind_every_protocol_and_stored_type_to_the_journal_serializer_under_7301()
    {
        var config = Single();
        Assert.Equal("KvActors.Journal.Serialization.JournalSerializer, KvActors.Journal", config.GetString("akka.actor.serializers.kv"));
        var bindings = config.GetConfig("akka.actor.serialization-bindings");
        foreach (var type in new[]
                 {
                     "KvActors.Protocol.IKvRequest, KvActors.Protocol", "KvActors.Protocol.IKvReply, KvActors.Protocol",
                     "KvActors.Protocol.PartitionEnvelope, KvActors.Protocol", "KvActors.Journal.IKvEvent, KvActors.Journal",
                     "KvActors.Journal.ChangeSet, KvActors.Journal", "KvActors.Journal.StoreSnapshot, KvActors.Journal",
                     "KvActors.Journal.PartitionLayoutRecorded, KvActors.Journal",
                 })
            Assert.Equal("kv", bindings.GetString($"\"{type}\""));
    }

    [Fact]
    public void A_server_on_SQLite_should_use_the_sql_plugins_tuned_for_one_writer()
    {
        var config = Single();
        var journal = config.GetConfig("akka.persistence.journal.sql");
        var snapshots = config.GetConfig("akka.persistence.snapshot-store.sql");

        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Contains("/srv/kv/journal.db", journal.GetString("connection-string"));
        Assert.Contains("/srv/kv/snapshots.db", snapshots.GetString("connection-string"));
        Assert.Equal("SQLite.MS", journal.GetString("provider-name"));
        Assert.Equal("SQLite.MS", snapshots.GetString("provider-name"));
        Assert.True(journal.GetBoolean("auto-initialize"));
        Assert.Equal(1, journal.GetInt("parallelism"));
        Assert.Equal(2000, journal.GetInt("batch-size"));
        Assert.Equal(2000, journal.GetInt("db-round-trip-max-batch-size"));
        Assert.Equal(100, journal.GetInt("max-row-by-row-size"));
        Assert.Equal(20000, journal.GetInt("buffer-size"));
        Assert.Equal("read-uncommitted", journal.GetString("read-isolation-level"));
        Assert.Equal("off", journal.GetString("replay-filter.mode"));
        Assert.False(journal.GetBoolean("use-clone-connection"));
        Assert.True(snapshots.GetBoolean("auto-initialize"));
        Assert.Equal("read-uncommitted", snapshots.GetString("read-isolation-level"));
        Assert.False(snapshots.GetBoolean("use-clone-connection"));
    }

    [Fact]
    public void A_server_on_PostgreSQL_should_run_journal_writes_in_parallel_at_read_committed()
    {
        var config = Single(new ServerSettings { Journal = "postgres:Host=h;Database=kv" });
        var journal = config.GetConfig("akka.persistence.journal.sql");

        Assert.Equal(4, journal.GetInt("parallelism"));
        Assert.Equal("read-committed", journal.GetString("read-isolation-level"));
        Assert.Equal("read-committed", config.GetString("akka.persistence.snapshot-store.sql.read-isolation-level"));
        Assert.Equal(2000, journal.GetInt("batch-size"));
        Assert.Equal("off", journal.GetString("replay-filter.mode"));
        Assert.False(journal.GetBoolean("use-clone-connection"));
        // The connection string travels in a setup, never in configuration Akka may log.
        Assert.True(string.IsNullOrEmpty(journal.GetString("connection-string")));
    }

    [Fact]
    public void A_cluster_node_should_join_its_seeds_with_fast_failure_detection_and_keep_majority()
    {
        var config = ClusterNode();
        var cluster = config.GetConfig("akka.cluster");

        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal(["akka.tcp://kv@10.0.0.1:4053", "akka.tcp://kv@10.0.0.2:4053"], cluster.GetStringList("seed-nodes"));
        Assert.Equal(["a"], cluster.GetStringList("roles"));
        Assert.Equal(TimeSpan.FromMilliseconds(300), cluster.GetTimeSpan("failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromSeconds(1), cluster.GetTimeSpan("failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(8.0, cluster.GetDouble("failure-detector.threshold"));
        Assert.Equal(TimeSpan.FromSeconds(1), cluster.GetTimeSpan("down-removal-margin"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), cluster.GetTimeSpan("unreachable-nodes-reaper-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), cluster.GetTimeSpan("leader-actions-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), cluster.GetTimeSpan("gossip-interval"));
        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", cluster.GetString("downing-provider-class"));
        Assert.Equal("keep-majority", cluster.GetString("split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(2), cluster.GetTimeSpan("split-brain-resolver.stable-after"));
    }

    [Fact]
    public void A_cluster_node_should_keep_shard_locations_out_of_the_journal_and_never_passivate_partitions()
    {
        var sharding = ClusterNode().GetConfig("akka.cluster.sharding");

        Assert.Equal("ddata", sharding.GetString("state-store-mode"));
        Assert.False(sharding.GetBoolean("remember-entities"));
        Assert.Equal("off", sharding.GetString("passivate-idle-entity-after"));
        Assert.Equal(TimeSpan.FromSeconds(2), sharding.GetTimeSpan("rebalance-interval"));
        Assert.Equal(TimeSpan.FromSeconds(10), sharding.GetTimeSpan("handoff-timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), sharding.GetTimeSpan("retry-interval"));
        // Sharding's own defaults are still there beneath ours.
        Assert.True(sharding.HasPath("coordinator-singleton"));
    }

    [Fact]
    public void A_cluster_node_should_keep_the_server_settings_beneath_the_cluster_ones()
    {
        var config = ClusterNode();
        Assert.Equal("KvActors.Journal.Serialization.JournalSerializer, KvActors.Journal", config.GetString("akka.actor.serializers.kv"));
        Assert.Equal(1, config.GetInt("akka.persistence.journal.sql.parallelism"));
        Assert.False(config.GetBoolean("akka.remote.log-remote-lifecycle-events"));
    }
}
