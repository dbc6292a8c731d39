using KvActors.Raft;
using KvActors.Replication.Joining;
using KvActors.Replication.Placement;
using Xunit;

namespace KvActors.Replication.Tests;

public sealed class MoveStepsSpec
{
    private const ulong Leader = 1;
    private const ulong New = 5000;

    [Fact]
    public void A_move_should_first_add_the_new_replica_as_a_learner()
    {
        Assert.Equal(new MoveStep.Propose(new ConfChange(ConfChangeType.AddLearner, New)), MoveSteps.Next(ConfState.OfVoters(1, 2, 3), Leader, 3, New, 0, 50));
    }

    [Fact]
    public void A_learner_should_be_promoted_only_once_it_is_within_the_caught_up_lag()
    {
        var members = new ConfState([1, 2, 3], [New]);
        Assert.Equal(new MoveStep.Wait(), MoveSteps.Next(members, Leader, 3, New, 0, 50));
        Assert.Equal(new MoveStep.Wait(), MoveSteps.Next(members, Leader, 3, New, 5000 - JoinSteps.CaughtUpLag - 1, 5000));
        Assert.Equal(new MoveStep.Propose(new ConfChange(ConfChangeType.AddNode, New)), MoveSteps.Next(members, Leader, 3, New, 5000 - JoinSteps.CaughtUpLag, 5000));
    }

    [Fact]
    public void The_old_replica_should_be_removed_only_after_the_new_one_votes()
    {
        Assert.Equal(new MoveStep.Propose(new ConfChange(ConfChangeType.RemoveNode, 3)), MoveSteps.Next(ConfState.OfVoters(1, 2, 3, New), Leader, 3, New, 60, 60));
        Assert.Equal(new MoveStep.Done(), MoveSteps.Next(ConfState.OfVoters(1, 2, New), Leader, 3, New, 60, 60));
    }

    [Fact]
    public void A_leader_should_hand_off_its_leadership_rather_than_remove_itself()
    {
        Assert.Equal(new MoveStep.HandOffLeadership(), MoveSteps.Next(ConfState.OfVoters(1, 2, 3, New), Leader, Leader, New, 60, 60));
    }

    [Fact]
    public void A_move_with_only_one_side_should_only_add_or_only_remove()
    {
        Assert.Equal(new MoveStep.Done(), MoveSteps.Next(ConfState.OfVoters(1, 2, New), Leader, 0, New, 60, 60));
        Assert.Equal(new MoveStep.Propose(new ConfChange(ConfChangeType.RemoveNode, 3)), MoveSteps.Next(ConfState.OfVoters(1, 2, 3, 4), Leader, 3, 0, 60, 60));
        Assert.Equal(new MoveStep.Done(), MoveSteps.Next(ConfState.OfVoters(1, 2, 4), Leader, 3, 0, 60, 60));
    }
}
