using KvActors.Raft;
using Xunit;

namespace KvActors.Raft.Tests.Scenarios;

/// <summary>Membership: learners, one voter change at a time, removal of the leader.</summary>
public sealed class MembershipSpec
{
    private static void Apply(TestCluster cluster, ulong leader, ConfChange change)
    {
        Assert.True(cluster[leader].Node.ProposeConfChange(change));
        cluster.Settle();
    }

    [Fact]
    public void A_learner_receives_the_log_but_does_not_count_towards_a_commit_quorum()
    {
        var cluster = new TestCluster(3, learners: 1);
        cluster.Campaign(1);
        cluster.Propose(1, "a");
        Assert.Equal(["a"], cluster.AppliedPayloads(4));
        cluster.Isolate(2);
        cluster.Isolate(3);
        cluster.Cut(1, 2);
        cluster.Propose(1, "b");
        Assert.Equal(4UL, cluster[4].Node.LastIndex);
        Assert.Equal(3UL, cluster[1].Node.Committed);
    }

    [Fact]
    public void A_learner_vote_does_not_count_towards_an_election_quorum()
    {
        var cluster = new TestCluster(3, c => c with { PreVote = false }, learners: 1);
        cluster.Campaign(1);
        cluster.Isolate(1);
        cluster.Cut(2, 3);
        // 2 hears only from learner 4: even if 4 answered, it is one of three voters plus a non-voter.
        cluster.Campaign(2);
        Assert.NotEqual(RaftRole.Leader, cluster[2].Node.Role);
    }

    [Fact]
    public void A_leader_proposes_no_configuration_change_before_it_applied_an_entry_of_its_own_term()
    {
        var cluster = new TestCluster(3);
        cluster.DropIf(m => m.Type == MessageType.AppendResponse);
        cluster.Campaign(1);
        Assert.False(cluster[1].Node.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 4)));
        cluster.Heal();
        cluster.Tick(1);
        Assert.True(cluster[1].Node.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 4)));
    }

    [Fact]
    public void A_leader_accepts_one_configuration_change_at_a_time()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(1);
        Assert.True(cluster[1].Node.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 4)));
        Assert.False(cluster[1].Node.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 5)));
    }

    [Fact]
    public void A_learner_added_after_compaction_catches_up_from_a_snapshot_and_is_then_promoted_to_voter()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        for (var i = 0; i < 5; i++) cluster.Propose(1, $"e{i}");
        var leader = cluster[1];
        leader.Storage.CreateSnapshot(leader.Node.Applied, leader.Node.ConfState, [1]);
        leader.Storage.Compact(leader.Node.Applied);
        cluster.Add(4, new MemoryStorage());
        Apply(cluster, 1, new ConfChange(ConfChangeType.AddLearner, 4));
        cluster.TickAll(2);
        Assert.True(cluster[4].Storage.Snapshot().Metadata.Index > 1);
        Assert.Equal(cluster[1].Node.Committed, cluster[4].Node.Committed);
        Assert.Contains(4UL, cluster[4].Node.ConfState.Learners);
        Assert.Equal(ProgressState.Replicate, cluster[1].Node.Status().Progress[4].State);
        Apply(cluster, 1, new ConfChange(ConfChangeType.AddNode, 4));
        cluster.TickAll();
        Assert.All(cluster.Replicas.Values, r => Assert.Contains(4UL, r.Node.ConfState.Voters));
        // Four voters: a commit now needs three of them.
        cluster.Isolate(2);
        cluster.Isolate(3);
        cluster.Cut(1, 4);
        var committed = cluster[1].Node.Committed;
        cluster.Propose(1, "needs three");
        Assert.Equal(committed, cluster[1].Node.Committed);
    }

    [Fact]
    public void A_removed_leader_steps_down_and_the_others_elect_a_new_one()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        Apply(cluster, 1, new ConfChange(ConfChangeType.RemoveNode, 1));
        Assert.Equal(RaftRole.Follower, cluster[1].Node.Role);
        Assert.DoesNotContain(1UL, cluster[2].Node.ConfState.Voters);
        cluster.Replicas.Remove(1);
        cluster.TickAll(30);
        var leader = Assert.Single(cluster.Leaders);
        Assert.True(cluster.Propose(leader.Id, "after removal"));
        Assert.Equal(["after removal"], cluster.AppliedPayloads(leader.Id));
    }

    [Fact]
    public void A_removed_voter_never_campaigns()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        Apply(cluster, 1, new ConfChange(ConfChangeType.RemoveNode, 3));
        cluster.Isolate(3);
        cluster.Tick(3, 50);
        Assert.Equal(RaftRole.Follower, cluster[3].Node.Role);
    }
}
