using KvActors.Raft;
using KvActors.Replication.Joining;
using Xunit;

namespace KvActors.Replication.Tests;

public sealed class JoinStepsSpec
{
    private const ulong Stride = ReplicaGroup.IncarnationStride;
    private static readonly ulong Rejoining = 3 + 7 * Stride;

    [Fact]
    public void A_rejoining_replica_should_first_be_added_as_a_learner()
    {
        Assert.Equal(new ConfChange(ConfChangeType.AddLearner, Rejoining), JoinSteps.Next(ConfState.OfVoters(1, 2, 3), Rejoining, 0, 50));
    }

    [Fact]
    public void A_learner_should_wait_until_it_is_within_the_caught_up_lag_of_the_commit_index()
    {
        var members = new ConfState([1, 2, 3], [Rejoining]);
        Assert.Null(JoinSteps.Next(members, Rejoining, 0, 50)); // nothing received yet
        Assert.Null(JoinSteps.Next(members, Rejoining, 5000 - JoinSteps.CaughtUpLag - 1, 5000));
        Assert.Equal(new ConfChange(ConfChangeType.RemoveNode, 3), JoinSteps.Next(members, Rejoining, 5000 - JoinSteps.CaughtUpLag, 5000));
        Assert.Equal(new ConfChange(ConfChangeType.RemoveNode, 3), JoinSteps.Next(members, Rejoining, 50, 50));
    }

    [Fact]
    public void A_caught_up_learner_should_be_promoted_once_its_old_incarnation_is_gone_and_then_nothing_is_left_to_do()
    {
        Assert.Equal(new ConfChange(ConfChangeType.AddNode, Rejoining), JoinSteps.Next(new ConfState([1, 2], [Rejoining]), Rejoining, 60, 60));
        Assert.Null(JoinSteps.Next(ConfState.OfVoters(1, 2, Rejoining), Rejoining, 60, 60));
    }

    [Fact]
    public void An_earlier_attempts_learner_should_be_removed_first()
    {
        var members = new ConfState([1, 2, 3], [3 + 5 * Stride]);
        Assert.Equal(new ConfChange(ConfChangeType.RemoveNode, 3 + 5 * Stride), JoinSteps.Next(members, Rejoining, 0, 50));
    }

    [Fact]
    public void A_request_from_an_older_incarnation_than_the_group_holds_should_change_nothing()
    {
        Assert.Null(JoinSteps.Next(ConfState.OfVoters(1, 2, 3 + 9 * Stride), Rejoining, 0, 50));
    }
}
