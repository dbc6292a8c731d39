using KvActors.Raft;
using Xunit;

namespace KvActors.Raft.Tests.Scenarios;

/// <summary>Leadership transfer with TimeoutNow.</summary>
public sealed class LeadershipTransferSpec
{
    [Fact]
    public void A_leader_hands_over_to_an_up_to_date_follower_which_campaigns_at_once_inside_the_lease()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Propose(1, "a");
        cluster[1].Node.TransferLeadership(2);
        cluster.Settle();
        Assert.Equal(RaftRole.Leader, cluster[2].Node.Role);
        Assert.Contains(cluster.Delivered, m => m.Type == MessageType.TimeoutNow && m.To == 2);
        Assert.Equal(2UL, cluster[1].Node.Lead);
    }

    [Fact]
    public void A_transfer_to_a_lagging_follower_first_brings_it_up_to_date()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(3);
        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        cluster[1].Node.TransferLeadership(3);
        cluster.Settle();
        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);
        cluster.Heal();
        cluster.Tick(1);
        Assert.Equal(RaftRole.Leader, cluster[3].Node.Role);
        Assert.Equal(["a", "b"], cluster.AppliedPayloads(3));
    }

    [Fact]
    public void A_leader_refuses_proposals_while_transferring()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(3);
        cluster[1].Node.TransferLeadership(3);
        cluster.Settle();
        Assert.False(cluster.Propose(1, "during transfer"));
    }

    [Fact]
    public void A_transfer_that_does_not_finish_within_an_election_timeout_is_abandoned()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(3);
        cluster[1].Node.TransferLeadership(3);
        cluster.Settle();
        cluster.Tick(1, 10);
        Assert.Equal(0UL, cluster[1].Node.Status().LeadTransferee);
        Assert.True(cluster.Propose(1, "after abort"));
    }

    [Fact]
    public void A_follower_forwards_a_transfer_request_to_its_leader()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster[2].Node.TransferLeadership(2);
        cluster.Settle();
        Assert.Equal(RaftRole.Leader, cluster[2].Node.Role);
    }
}
