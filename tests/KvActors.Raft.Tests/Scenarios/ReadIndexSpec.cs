using KvActors.Raft;
using Xunit;

namespace KvActors.Raft.Tests.Scenarios;

/// <summary>ReadIndex: linearizable reads without writing to the log.</summary>
public sealed class ReadIndexSpec
{
    private static readonly byte[] Context = "read-1"u8.ToArray();

    [Fact]
    public void A_leader_answers_a_read_index_only_after_a_quorum_confirms_its_leadership_by_heartbeat()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Propose(1, "a");
        cluster.Isolate(1);
        cluster[1].Node.ReadIndex(Context);
        cluster.Settle();
        Assert.Empty(cluster[1].ReadStates);
        cluster.Heal();
        cluster.Tick(1);
        var read = Assert.Single(cluster[1].ReadStates);
        Assert.Equal(cluster[1].Node.Committed, read.Index);
        Assert.Equal(Context, read.Context);
        // No log entry was written for the read.
        Assert.Equal(3UL, cluster[1].Node.LastIndex);
    }

    [Fact]
    public void A_leader_serves_no_read_before_it_commits_an_entry_of_its_own_term()
    {
        var cluster = new TestCluster(3);
        cluster.DropIf(m => m.Type == MessageType.AppendResponse);
        cluster.Campaign(1);
        cluster[1].Node.ReadIndex(Context);
        cluster.Tick(1, 2);
        // Its commit index may still lag what an earlier leader committed: it must not answer yet.
        Assert.Empty(cluster[1].ReadStates);
        cluster.Heal();
        cluster.Tick(1, 2);
        var read = Assert.Single(cluster[1].ReadStates);
        Assert.Equal(2UL, read.Index);
    }

    [Fact]
    public void A_follower_read_index_is_answered_by_the_leader_with_its_commit_index()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Propose(1, "a");
        cluster[3].Node.ReadIndex(Context);
        cluster.Settle();
        var read = Assert.Single(cluster[3].ReadStates);
        Assert.Equal(cluster[1].Node.Committed, read.Index);
    }

    [Fact]
    public void A_deposed_leader_never_answers_a_pending_read()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(1);
        cluster[1].Node.ReadIndex(Context);
        cluster.TickAll(40);
        var leader = Assert.Single(cluster.Leaders);
        cluster.Propose(leader.Id, "newer");
        cluster.Heal();
        cluster.TickAll(3);
        Assert.Empty(cluster[1].ReadStates);
    }

    [Fact]
    public void A_lease_based_read_is_answered_without_a_heartbeat_round_when_enabled()
    {
        var cluster = new TestCluster(3, c => c with { ReadOnlyOption = ReadOnlyOption.LeaseBased });
        cluster.Campaign(1);
        cluster.Isolate(1);
        cluster[1].Node.ReadIndex(Context);
        cluster.Settle();
        // Answered inside the partition: correct only while clocks drift less than the lease margin.
        Assert.Single(cluster[1].ReadStates);
    }
}
