using Akka.Actor;
using KvActors.Raft;
using KvActors.Replication.Placement;
using Xunit;

namespace KvActors.Replication.Tests;

public sealed class PlacementPlannerSpec
{
    private static readonly Address[] Nodes = Enumerable.Range(0, 6).Select(i => new Address("akka.tcp", "kv", "127.0.0.1", 7000 + i)).ToArray();
    private static readonly Address A = Nodes[0], B = Nodes[1], C = Nodes[2], D = Nodes[3];

    // Partition p's replicas: id (10 * p + k) on the given nodes, the first one leading; learners last.
    private sealed record Group(int Partition, Address[] Voters, Address[]? Learners = null);

    private static IReadOnlyList<PlacementView> Views(IEnumerable<Address> answering, Group[] groups, IReadOnlySet<Address>? draining = null)
    {
        var replicas = new Dictionary<Address, List<ReplicaView>>();
        foreach (var node in answering) replicas[node] = [];
        foreach (var group in groups)
        {
            var all = group.Voters.Concat(group.Learners ?? []).ToArray();
            var ids = all.Select((node, k) => (Id: (ulong)(10 * group.Partition + k + 1), Node: node)).ToArray();
            var members = new ConfState([.. ids.Take(group.Voters.Length).Select(i => i.Id)], [.. ids.Skip(group.Voters.Length).Select(i => i.Id)]);
            var nodes = ids.ToDictionary(i => i.Id, i => i.Node);
            foreach (var (id, node) in ids)
            {
                if (replicas.TryGetValue(node, out var list)) list.Add(new ReplicaView(group.Partition, id, Leading: id == ids[0].Id, 3, members, nodes));
            }
        }

        return replicas.Select(r => new PlacementView(r.Key, draining?.Contains(r.Key) == true, r.Value)).ToArray();
    }

    private static ulong Id(int partition, int k) => (ulong)(10 * partition + k + 1);

    [Fact]
    public void A_settled_balanced_cluster_should_need_no_move()
    {
        var groups = Enumerable.Range(0, 6).Select(p => new Group(p, [A, B, C])).ToArray();
        Assert.Empty(PlacementPlanner.Plan(Views([A, B, C], groups), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: true));
    }

    [Fact]
    public void A_node_that_joined_should_get_replicas_from_the_fullest_one_move_at_a_time()
    {
        var groups = Enumerable.Range(0, 6).Select(p => new Group(p, [A, B, C])).ToArray();
        var move = Assert.Single(PlacementPlanner.Plan(Views([A, B, C, D], groups), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: true));
        Assert.Equal(D, move.To);
        Assert.NotEqual(0UL, move.From);
        Assert.NotEqual(Id(move.Partition, 0), move.From); // not the leader's own replica
    }

    [Fact]
    public void Balance_should_move_a_leaders_own_replica_when_no_follower_can_go()
    {
        // B leads every group, C follows in all: equally full, C gives (a follower moves without a leader change).
        var groups = new[]
        {
            new Group(0, [B, C, D]), new Group(1, [B, C, D]), new Group(2, [B, C, D]),
            new Group(3, [B, C, A]), new Group(4, [B, C, A]), new Group(5, [B, C, A]),
        };
        var move = Assert.Single(PlacementPlanner.Plan(Views([A, B, C, D], groups), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: true));
        Assert.Equal((0, Id(0, 1), A), (move.Partition, move.From, move.To!));

        // The fullest node (A, 4) leads every group: a leader's own replica goes (it hands off first).
        var (e, f) = (Nodes[4], Nodes[5]);
        var leading = new[] { new Group(0, [A, B, C]), new Group(1, [A, e, f]), new Group(2, [A, B, e]), new Group(3, [A, C, f]) };
        var fromLeader = Assert.Single(PlacementPlanner.Plan(Views([A, B, C, D, e, f], leading), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: true));
        Assert.Equal((0, Id(0, 0), D), (fromLeader.Partition, fromLeader.From, fromLeader.To!));
    }

    [Fact]
    public void Nothing_should_grow_or_balance_while_a_member_has_not_answered()
    {
        var groups = Enumerable.Range(0, 6).Select(p => new Group(p, [A, B, C])).ToArray();
        Assert.Empty(PlacementPlanner.Plan(Views([A, B, C, D], groups), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: false));
        // Nor shrink because a founding node is still starting (it answers nothing yet).
        Assert.Empty(PlacementPlanner.Plan(Views([A, B], groups), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: false));
    }

    [Fact]
    public void A_lost_replica_should_move_to_a_node_without_one_of_its_group()
    {
        var groups = new[] { new Group(0, [A, B, C]), new Group(1, [B, C, D]) };
        var lost = new HashSet<(int, ulong)> { (0, Id(0, 2)) }; // C's replica of partition 0
        var move = Assert.Single(PlacementPlanner.Plan(Views([A, B, D], groups), lost, 3, everyNodeAnswered: false));
        Assert.Equal(new MoveReplica(0, Id(0, 2), D, move.Why), move);
    }

    [Fact]
    public void A_lost_replica_with_nowhere_to_go_should_stay_a_member()
    {
        var lost = new HashSet<(int, ulong)> { (0, Id(0, 2)) };
        Assert.Empty(PlacementPlanner.Plan(Views([A, B], [new Group(0, [A, B, C])]), lost, 3, everyNodeAnswered: true));
    }

    [Fact]
    public void A_draining_nodes_replicas_should_move_away_even_its_leaders()
    {
        var groups = new[] { new Group(0, [A, B, C]), new Group(1, [C, A, B]) };
        var moves = PlacementPlanner.Plan(Views([A, B, C, D], groups, new HashSet<Address> { C }), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: true);
        Assert.Equal([(0, Id(0, 2), D), (1, Id(1, 0), D)], moves.Select(m => (m.Partition, m.From, m.To!)).ToArray());
    }

    [Fact]
    public void A_move_under_way_should_be_carried_on_with_the_same_learner()
    {
        var groups = new[] { new Group(0, [A, B, C], [D]) };
        var lost = new HashSet<(int, ulong)> { (0, Id(0, 2)) };
        var move = Assert.Single(PlacementPlanner.Plan(Views([A, B, D], groups), lost, 3, everyNodeAnswered: false));
        Assert.Equal((0, Id(0, 2), D), (move.Partition, move.From, move.To!));
    }

    [Fact]
    public void A_group_should_grow_onto_a_new_node_when_it_has_fewer_replicas_than_wanted_and_shrink_when_it_has_more()
    {
        var grow = Assert.Single(PlacementPlanner.Plan(Views([A, B, C], [new Group(0, [A, B])]), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: true));
        Assert.Equal((0, 0UL, C), (grow.Partition, grow.From, grow.To!));

        var shrink = Assert.Single(PlacementPlanner.Plan(Views([A, B, C, D], [new Group(0, [A, B, C, D])]), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: false));
        Assert.Null(shrink.To);
        Assert.NotEqual(Id(0, 0), shrink.From);
    }

    [Fact]
    public void At_most_max_moves_should_run_at_once()
    {
        var groups = Enumerable.Range(0, 10).Select(p => new Group(p, [A, B, C])).ToArray();
        var moves = PlacementPlanner.Plan(Views([A, B, C, D], groups, new HashSet<Address> { C }), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: true);
        Assert.Equal(PlacementPlanner.MaxMoves, moves.Count);
    }

    [Fact]
    public void A_group_with_a_rejoining_learner_should_be_left_to_its_leader()
    {
        const ulong rejoining = 3 + ReplicaGroup.IncarnationStride * 5;
        var members = new ConfState([1, 2, 3], [rejoining]);
        var nodes = new Dictionary<ulong, Address> { [1] = A, [2] = B, [3] = C, [rejoining] = C };
        var views = new[]
        {
            new PlacementView(A, false, [new ReplicaView(0, 1, true, 3, members, nodes)]),
            new PlacementView(B, false, [new ReplicaView(0, 2, false, 3, members, nodes)]),
            new PlacementView(C, false, [new ReplicaView(0, rejoining, false, 3, members, nodes)]),
            new PlacementView(D, false, []),
        };
        Assert.Empty(PlacementPlanner.Plan(views, new HashSet<(int, ulong)> { (0, 3) }, 3, everyNodeAnswered: true));
    }

    [Fact]
    public void A_group_with_a_member_no_node_runs_should_not_be_balanced_or_shrunk()
    {
        // C restarts (not a member of the cluster just now, so not asked): its replicas are missed, not yet lost.
        var groups = Enumerable.Range(0, 6).Select(p => new Group(p, [A, B, C])).ToArray();
        Assert.Empty(PlacementPlanner.Plan(Views([A, B, D], groups), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: true));
        Assert.Empty(PlacementPlanner.Plan(Views([A, B, D], [new Group(0, [A, B, C, D])]), new HashSet<(int, ulong)>(), 3, everyNodeAnswered: true));
    }

    [Fact]
    public void Strays_should_be_replicas_left_out_of_their_group_below_its_newest_member()
    {
        var members = ConfState.OfVoters(1, 2, 5000);
        var nodes = new Dictionary<ulong, Address> { [1] = A, [2] = B, [5000] = D };
        var views = new[]
        {
            new PlacementView(A, false, [new ReplicaView(0, 1, true, 4, members, nodes)]),
            new PlacementView(B, false, [new ReplicaView(0, 2, false, 4, members, nodes)]),
            // C was away while its replica 3 was replaced by 5000 on D; it still believes it is a member.
            new PlacementView(C, false, [new ReplicaView(0, 3, false, 2, ConfState.OfVoters(1, 2, 3), nodes)]),
            // A replica placed on E whose addition has not committed yet has a higher id: not a stray.
            new PlacementView(Nodes[4], false, [new ReplicaView(0, 6000, false, 0, ConfState.Empty, nodes)]),
            new PlacementView(D, false, [new ReplicaView(0, 5000, false, 4, members, nodes)]),
        };
        Assert.Equal([(C, new DropReplica(0, 3))], PlacementPlanner.Strays(views));
    }

    [Fact]
    public void LeaderMove_should_hand_a_leadership_from_the_node_leading_most_to_the_one_leading_fewest()
    {
        // A restarted node C leads nothing: A leads four, B two.
        var groups = new[]
        {
            new Group(0, [A, B, C]), new Group(1, [A, B, C]), new Group(2, [A, B, C]), new Group(3, [A, B, C]),
            new Group(4, [B, A, C]), new Group(5, [B, A, C]),
        };
        var move = PlacementPlanner.LeaderMove(Views([A, B, C], groups));
        Assert.NotNull(move);
        Assert.Equal(0, move.Partition);
        Assert.Equal(Id(0, 2), move.To); // the group's voter on C
    }

    [Fact]
    public void LeaderMove_should_hand_to_a_node_two_below_when_the_one_leading_fewest_holds_no_voter_of_the_group()
    {
        // Four nodes, three replicas a group: A leads three, B and C one each, D none; but D holds a voter only of B's
        // group (a gap of one). A's groups have voters on B and C, two below it.
        var groups = new[]
        {
            new Group(0, [A, B, C]), new Group(1, [A, B, C]), new Group(2, [A, B, C]),
            new Group(3, [B, A, D]), new Group(4, [C, A, B]),
        };
        var move = PlacementPlanner.LeaderMove(Views([A, B, C, D], groups));
        Assert.NotNull(move);
        Assert.Equal(0, move.Partition);
        Assert.Equal(Id(0, 1), move.To); // group 0's voter on B
    }

    [Fact]
    public void LeaderMove_should_leave_leaders_that_differ_by_one_or_a_group_not_whole()
    {
        var even = new[] { new Group(0, [A, B, C]), new Group(1, [A, B, C]), new Group(2, [B, A, C]), new Group(3, [C, A, B]), new Group(4, [C, A, B]) };
        Assert.Null(PlacementPlanner.LeaderMove(Views([A, B, C], even)));

        // A leads all three, but every group misses its replica on C (C not answering): nothing to hand to.
        var skewed = new[] { new Group(0, [A, B, C]), new Group(1, [A, B, C]), new Group(2, [A, B, C]) };
        Assert.Null(PlacementPlanner.LeaderMove(Views([A, B], skewed)));
        // A group with a learner (a move under way) is left alone.
        Assert.Null(PlacementPlanner.LeaderMove(Views([A, B, C], [new Group(0, [A, B], [C]), new Group(1, [A, B], [C])])));
    }

    [Fact]
    public void Missing_should_name_member_replicas_no_node_reports_running()
    {
        var groups = new[] { new Group(0, [A, B, C]) };
        Assert.Equal(new HashSet<(int, ulong)> { (0, Id(0, 2)) }, PlacementPlanner.Missing(Views([A, B], groups)).ToHashSet());
        Assert.Empty(PlacementPlanner.Missing(Views([A, B, C], groups)));
    }
}
