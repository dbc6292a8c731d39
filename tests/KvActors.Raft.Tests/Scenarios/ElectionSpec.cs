using KvActors.Raft;
using Xunit;

namespace KvActors.Raft.Tests.Scenarios;

/// <summary>Leader election: pre-vote, voting rules, and check-quorum.</summary>
public sealed class ElectionSpec
{
    [Fact]
    public void A_follower_that_hears_from_no_leader_for_its_election_timeout_becomes_leader_with_a_quorum()
    {
        var cluster = new TestCluster(3);
        cluster.Tick(1, 20);
        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);
        Assert.All(cluster.Replicas.Values, r => Assert.Equal(1UL, r.Node.Lead));
        Assert.Equal(2UL, cluster[1].Node.Term);
    }

    [Fact]
    public void A_single_voter_elects_itself_at_once()
    {
        var cluster = new TestCluster(1);
        cluster.Campaign(1);
        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);
    }

    [Fact]
    public void A_pre_vote_does_not_raise_anyones_term_when_the_candidate_cannot_win()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(3);
        for (var i = 0; i < 5; i++) cluster.Campaign(3);
        Assert.Equal(2UL, cluster[3].Node.Term);
        Assert.Equal(RaftRole.PreCandidate, cluster[3].Node.Role);
    }

    [Fact]
    public void A_rejoining_replica_does_not_depose_a_healthy_leader_under_pre_vote()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(3);
        cluster.Propose(1, "while 3 was away");
        for (var i = 0; i < 5; i++) cluster.Campaign(3);
        cluster.Heal();
        cluster.Campaign(3);
        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);
        Assert.Equal(2UL, cluster[1].Node.Term);
        cluster.TickAll();
        Assert.Equal(1UL, cluster[3].Node.Lead);
    }

    [Fact]
    public void A_replica_with_a_higher_term_rejoining_makes_the_leader_step_down_without_pre_vote()
    {
        // The disruption pre-vote exists to prevent.
        var cluster = new TestCluster(3, c => c with { PreVote = false, CheckQuorum = false });
        cluster.Campaign(1);
        cluster.Isolate(3);
        for (var i = 0; i < 3; i++) cluster.Campaign(3);
        Assert.Equal(5UL, cluster[3].Node.Term);
        cluster.Heal();
        cluster.Campaign(3);
        Assert.Equal(6UL, cluster[1].Node.Term);
        Assert.NotEqual(RaftRole.Leader, cluster[1].Node.Role);
    }

    [Fact]
    public void A_replica_with_a_stale_log_cannot_win_an_election()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(3);
        cluster.Propose(1, "x");
        cluster.Heal();
        cluster.Isolate(1);
        // 3 lacks "x"; 2 has it and must refuse, so 3 cannot reach a quorum.
        cluster.Campaign(3);
        Assert.NotEqual(RaftRole.Leader, cluster[3].Node.Role);
        cluster.Campaign(2);
        Assert.Equal(RaftRole.Leader, cluster[2].Node.Role);
    }

    [Fact]
    public void A_voter_grants_one_vote_per_term()
    {
        var cluster = new TestCluster(3, c => c with { PreVote = false });
        var voter = cluster[2];
        voter.Node.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        Assert.False(Assert.Single(voter.HandleReady()).Reject);
        // Another candidate of the same term, even with a longer log, is refused.
        voter.Node.Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = 2, Index = 5, LogTerm = 1 });
        var reply = Assert.Single(voter.HandleReady());
        Assert.Equal(MessageType.VoteResponse, reply.Type);
        Assert.True(reply.Reject);
        // The candidate it voted for may ask again (a lost reply) and is granted again.
        voter.Node.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        Assert.False(Assert.Single(voter.HandleReady()).Reject);
    }

    [Fact]
    public void A_vote_is_sent_only_after_the_vote_is_durable()
    {
        var cluster = new TestCluster(3, c => c with { PreVote = false });
        cluster[2].Node.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        var ready = cluster[2].Node.Ready();
        Assert.Empty(ready.Messages);
        var grant = Assert.Single(ready.MessagesAfterPersist);
        Assert.Equal(MessageType.VoteResponse, grant.Type);
        Assert.False(grant.Reject);
        Assert.Equal(new HardState(2, 1, 1), ready.HardState);
    }

    [Fact]
    public void A_leader_that_hears_from_no_quorum_for_an_election_timeout_steps_down_under_check_quorum()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(1);
        cluster.Tick(1, 21);
        Assert.Equal(RaftRole.Follower, cluster[1].Node.Role);
    }

    [Fact]
    public void A_follower_that_hears_from_its_leader_ignores_vote_requests_under_check_quorum()
    {
        var cluster = new TestCluster(3, c => c with { PreVote = false });
        cluster.Campaign(1);
        cluster.Isolate(3);
        cluster.Campaign(3);
        cluster.Heal();
        cluster.Campaign(3);
        // 1 and 2 are inside their lease: they ignore 3's higher term and 1 stays leader.
        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);
    }

    [Fact]
    public void A_new_leader_appends_a_no_op_entry_of_its_term()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(2);
        var noOp = Assert.Single(cluster[1].Applied);
        Assert.Equal(cluster[2].Node.Term, noOp.Term);
        Assert.Empty(noOp.Data);
    }

    [Fact]
    public void A_learner_never_campaigns()
    {
        var cluster = new TestCluster(3, learners: 1);
        cluster.Tick(4, 100);
        Assert.Equal(RaftRole.Follower, cluster[4].Node.Role);
        Assert.Equal(MemoryStorage.BootstrapTerm, cluster[4].Node.Term);
    }
}
