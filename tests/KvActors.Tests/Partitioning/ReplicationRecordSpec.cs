using KvActors.Server;
using KvActors.Server.Partitioning;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.Tests.Partitioning;

/// <summary>The replication mode, replica count and members recorded with a Raft node's data (<see cref="ReplicationRecord"/>).</summary>
public sealed class ReplicationRecordSpec
{
    private static readonly ServerSettings Raft = new()
    {
        Port = 7001,
        SeedNodes = ["127.0.0.1:7002", "127.0.0.1:7001", "127.0.0.1:7003"],
        Replication = ReplicationMode.Raft,
    };

    [Fact]
    public void ReplicationRecord_should_accept_a_restart_with_the_same_members_in_any_order()
    {
        using var data = new TempDirectory("kvactors-replication-record");
        ReplicationRecord.Check(data.Path, JournalOf(data), Raft);
        File.WriteAllText(JournalOf(data), "");

        ReplicationRecord.Check(data.Path, JournalOf(data), Raft with { SeedNodes = [.. Raft.SeedNodes.Reverse()] });
    }

    [Fact]
    public void ReplicationRecord_should_refuse_other_replicas_other_members_or_another_mode()
    {
        using var data = new TempDirectory("kvactors-replication-record");
        ReplicationRecord.Check(data.Path, JournalOf(data), Raft);
        File.WriteAllText(JournalOf(data), "");

        var replicas = Assert.Throws<PartitionLayoutException>(() => ReplicationRecord.Check(data.Path, JournalOf(data), Raft with { Replicas = 1 }));
        Assert.Equal($"the data in {data.Path} was created with --replication raft --replicas 3 --seed-nodes 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003, " +
                     "not --replicas 1 --seed-nodes 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003; start with those (membership changes are not supported yet)", replicas.Message);
        Assert.Throws<PartitionLayoutException>(() => ReplicationRecord.Check(data.Path, JournalOf(data), Raft with { SeedNodes = ["127.0.0.1:7001"] }));
        var mode = Assert.Throws<PartitionLayoutException>(() => ReplicationRecord.Check(data.Path, JournalOf(data), Raft with { Replication = ReplicationMode.SharedJournal }));
        Assert.EndsWith("start with those options (the mode cannot change)", mode.Message);
        // A single node on the same directory is refused alike.
        Assert.Throws<PartitionLayoutException>(() => ReplicationRecord.Check(data.Path, JournalOf(data), new ServerSettings()));
    }

    [Fact]
    public void ReplicationRecord_should_refuse_raft_on_data_of_a_single_node_and_change_nothing_for_other_modes()
    {
        using var data = new TempDirectory("kvactors-replication-record");
        File.WriteAllText(JournalOf(data), "");

        ReplicationRecord.Check(data.Path, JournalOf(data), new ServerSettings());
        ReplicationRecord.Check(data.Path, JournalOf(data), new ServerSettings { SeedNodes = ["127.0.0.1:7001"] });
        Assert.False(File.Exists(Path.Combine(data.Path, ReplicationRecord.FileName)));
        var refusal = Assert.Throws<PartitionLayoutException>(() => ReplicationRecord.Check(data.Path, JournalOf(data), Raft));
        Assert.Equal($"the data in {data.Path} was created without --replication raft (a single node or a shared-journal cluster); a raft node needs a new --data-dir", refusal.Message);
    }

    private static string JournalOf(TempDirectory data) => Path.Combine(data.Path, "journal.db");
}
