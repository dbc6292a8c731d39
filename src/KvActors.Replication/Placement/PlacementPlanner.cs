using Akka.Actor;
using KvActors.Replication.Replica;

namespace KvActors.Replication.Placement;

/// <summary>
/// The placement controller's decisions, from what the nodes' replicas report (<see cref="PlacementView"/>), as
/// values: which replicas to move where this round. Each group is judged by its leader's view (a group without a
/// known leader cannot change and is left alone). In order:
/// <list type="number">
/// <item>A move under way (the group has a learner) is carried on.</item>
/// <item>A replica that is lost (missed longer than <c>kv.raft.replace-dead-after</c>) or on a draining node moves to
/// the eligible node (answering, not draining, holding no replica of the group) with the fewest replicas.</item>
/// <item>A group with fewer replicas than wanted (a cluster that had fewer nodes) gains one on a node that answered;
/// one with more than <c>replicas</c> (a move whose last step was lost with the old controller) loses one. A node
/// that has not answered yet never makes a group shrink.</item>
/// <item>Only when nothing else moves: a replica moves from the fullest node to the emptiest when they differ by two
/// or more (a node that joined gets its share).</item>
/// </list>
/// At most <see cref="MaxMoves"/> moves run at once, so catching up new replicas never swamps the cluster; one group
/// moves one replica at a time.
/// </summary>
public static class PlacementPlanner
{
    public const int MaxMoves = 4;

    /// <param name="views">The answer of every node that answered this round.</param>
    /// <param name="lost">Member replicas missed (their node silent, or not running them) for longer than
    /// <c>kv.raft.replace-dead-after</c>.</param>
    /// <param name="replicas">Replicas wanted per group.</param>
    /// <param name="everyNodeAnswered">Whether every member of the cluster answered: groups grow and replicas are
    /// balanced only on a whole view (a node still starting would look empty).</param>
    public static IReadOnlyList<MoveReplica> Plan(IReadOnlyList<PlacementView> views, IReadOnlySet<(int Partition, ulong Replica)> lost, int replicas,
        bool everyNodeAnswered)
    {
        var groups = LeaderViews(views);
        var draining = views.Where(v => v.Draining).Select(v => v.Node).ToHashSet();
        var load = views.Where(v => !v.Draining).ToDictionary(v => v.Node, _ => 0);
        foreach (var group in groups)
        {
            foreach (var id in MembersOf(group))
            {
                if (group.Nodes.TryGetValue(id, out var node) && load.ContainsKey(node)) load[node]++;
            }
        }

        var wanted = Math.Min(replicas, load.Count);
        // A group with a member that no node reports running (its node restarting, say) has no failure to spare:
        // it is neither grown, shrunk nor balanced until the member is back, or lost and replaced.
        var missing = Missing(views);
        bool Whole(ReplicaView group) => MembersOf(group).All(id => !missing.Contains((group.Partition, id)));
        var moves = new List<MoveReplica>();
        var moving = new HashSet<int>();

        void Add(ReplicaView group, ulong from, Address? to, string why)
        {
            moves.Add(new MoveReplica(group.Partition, from, to, why));
            moving.Add(group.Partition);
            if (to is not null && load.ContainsKey(to)) load[to]++;
            if (from != 0 && group.Nodes.TryGetValue(from, out var node) && load.ContainsKey(node)) load[node]--;
        }

        ulong Outgoing(ReplicaView group, ulong keep)
        {
            var members = MembersOf(group).Where(id => id != keep).ToArray();
            var bad = members.Where(id => lost.Contains((group.Partition, id)))
                .Concat(members.Where(id => group.Nodes.TryGetValue(id, out var node) && draining.Contains(node)))
                .FirstOrDefault();
            if (bad != 0) return bad;
            if (members.Length + (keep != 0 ? 1 : 0) <= replicas) return 0;
            return Fullest(group, members.Where(id => id != group.ReplicaId && group.Members.Voters.Contains(id)));
        }

        ulong Fullest(ReplicaView group, IEnumerable<ulong> candidates) => candidates
            .Select(id => (Id: id, Load: group.Nodes.TryGetValue(id, out var node) && load.TryGetValue(node, out var n) ? n : int.MaxValue))
            .OrderByDescending(c => c.Load).ThenBy(c => c.Id).Select(c => c.Id).FirstOrDefault();

        Address? Emptiest(ReplicaView group)
        {
            var taken = MembersOf(group).Select(id => group.Nodes.GetValueOrDefault(id)).ToHashSet();
            return load.Where(l => !taken.Contains(l.Key))
                .OrderBy(l => l.Value).ThenBy(l => l.Key.ToString(), StringComparer.Ordinal)
                .Select(l => l.Key).FirstOrDefault();
        }

        // A rejoining node's learner is taken in by the leader itself (JoinSteps): such a group is left alone.
        foreach (var group in groups.Where(g => g.Members.Learners.Any(id => ReplicaOrigins.Of(id) == ReplicaOrigin.Rejoining))) moving.Add(group.Partition);

        // 1. Moves under way.
        foreach (var group in groups.Where(g => !moving.Contains(g.Partition) && g.Members.Learners.Count > 0))
        {
            var learner = group.Members.Learners.Min();
            if (!group.Nodes.TryGetValue(learner, out var node)) continue;
            Add(group, Outgoing(group, learner), node, "carrying on the move that added learner " + learner);
        }

        foreach (var group in groups.Where(g => !moving.Contains(g.Partition)))
        {
            if (moves.Count >= MaxMoves) break;
            var count = MembersOf(group).Count();
            var from = Outgoing(group, keep: 0);
            if (from != 0 && count <= replicas)
            {
                // 2. Lost or draining (or, with count == wanted, nothing).
                if (Emptiest(group) is { } to)
                    Add(group, from, to, lost.Contains((group.Partition, from)) ? $"replica {from} is lost" : $"replica {from} is on a draining node");
            }
            else if (count < wanted && everyNodeAnswered && Whole(group) && Emptiest(group) is { } to)
            {
                Add(group, 0, to, $"{count} replicas, {wanted} wanted");
            }
            else if (count > replicas && from != 0 && (Whole(group) || lost.Contains((group.Partition, from))))
            {
                Add(group, from, null, $"{count} replicas, {replicas} wanted");
            }
        }

        // 4. Balance, alone: from the fullest node that has a replica to give, a follower if it can (a leader hands off first).
        if (moves.Count == 0 && everyNodeAnswered && load.Count > 1)
        {
            var emptiest = load.OrderBy(l => l.Value).ThenBy(l => l.Key.ToString(), StringComparer.Ordinal).First();
            var given = load.Where(l => l.Value - emptiest.Value >= 2)
                .SelectMany(full => groups
                    .Where(g => !moving.Contains(g.Partition) && Whole(g) && MembersOf(g).All(id => g.Nodes.GetValueOrDefault(id) != emptiest.Key))
                    .Select(g => (Group: g, Node: full, From: MembersOf(g).FirstOrDefault(id => g.Nodes.GetValueOrDefault(id) == full.Key)))
                    .Where(c => c.From != 0))
                .OrderByDescending(c => c.Node.Value)
                .ThenBy(c => c.From == c.Group.ReplicaId)
                .ThenBy(c => c.Node.Key.ToString(), StringComparer.Ordinal)
                .FirstOrDefault();
            if (given.Group is not null)
                Add(given.Group, given.From, emptiest.Key, $"balancing: {given.Node.Key} holds {given.Node.Value} replicas, {emptiest.Key} {emptiest.Value}");
        }

        return moves;
    }

    /// <summary>
    /// At most one leadership to move, when no replica moves: from a group's leader to one of its voters on a node
    /// leading at least two groups fewer (so 3-3-2 stays, 4-2-2 does not), the widest gap first. Not only to the node
    /// leading the fewest: with more nodes than replicas it may hold no voter of the busiest node's groups. Leaders do
    /// the writing and the linearizable reads; a node that restarted leads nothing until this moves some back. One a
    /// round, so the leaders' moves never stall many groups at once. Judged only on a whole view: every node answered
    /// and no member of the group missing.
    /// </summary>
    public static BalanceLeader? LeaderMove(IReadOnlyList<PlacementView> views)
    {
        var counts = views.Where(v => !v.Draining).ToDictionary(v => v.Node, _ => 0);
        var leaders = Leaders(views);
        foreach (var node in leaders.Values.Where(counts.ContainsKey)) counts[node]++;
        var missing = Missing(views);

        return LeaderViews(views)
            .Where(g => leaders.TryGetValue(g.Partition, out var from) && counts.ContainsKey(from))
            .Where(g => g.Members.Learners.Count == 0 && MembersOf(g).All(id => !missing.Contains((g.Partition, id))))
            .SelectMany(g => g.Members.Voters
                .Where(id => g.Nodes.TryGetValue(id, out var node) && counts.ContainsKey(node))
                .Select(id => (Group: g, From: leaders[g.Partition], To: id, ToNode: g.Nodes[id])))
            .Select(c => (c.Group, c.From, c.To, c.ToNode, Gap: counts[c.From] - counts[c.ToNode]))
            .Where(c => c.Gap >= 2)
            .OrderByDescending(c => c.Gap).ThenBy(c => c.Group.Partition).ThenBy(c => c.To)
            .Select(c => new BalanceLeader(c.Group.Partition, c.To,
                $"{c.From} leads {counts[c.From]} groups, {c.ToNode} {counts[c.ToNode]}"))
            .FirstOrDefault();
    }

    /// <summary>Member replicas no node reports running: their node did not answer, or answered without them.</summary>
    public static IReadOnlySet<(int Partition, ulong Replica)> Missing(IReadOnlyList<PlacementView> views)
    {
        var running = views.SelectMany(v => v.Replicas.Select(r => (v.Node, r.Partition, r.ReplicaId))).ToHashSet();
        return LeaderViews(views)
            .SelectMany(g => MembersOf(g).Where(id => !g.Nodes.TryGetValue(id, out var node) || !running.Contains((node, g.Partition, id)))
                .Select(id => (g.Partition, id)))
            .ToHashSet();
    }

    /// <summary>
    /// Replicas a node runs that are not in their group: the leader's membership leaves them out and has a member with a
    /// higher id (ids only grow, so a lower one was removed, or its placement never committed). A node that was away
    /// while its replicas were replaced runs such replicas as if nothing happened: no leader speaks to them to say so.
    /// </summary>
    public static IReadOnlyList<(Address Node, DropReplica Drop)> Strays(IReadOnlyList<PlacementView> views)
    {
        var leaders = LeaderViews(views).ToDictionary(g => g.Partition);
        return views.SelectMany(v => v.Replicas
                .Where(r => !r.Leading && leaders.TryGetValue(r.Partition, out var group) && !group.Members.Contains(r.ReplicaId) &&
                            MembersOf(group).Any(id => id > r.ReplicaId))
                .Select(r => (v.Node, new DropReplica(r.Partition, r.ReplicaId))))
            .ToArray();
    }

    /// <summary>The node of each group's leader, as the nodes report them.</summary>
    public static IReadOnlyDictionary<int, Address> Leaders(IReadOnlyList<PlacementView> views) =>
        views.SelectMany(v => v.Replicas.Where(r => r.Leading).Select(r => (v.Node, Replica: r)))
            .GroupBy(r => r.Replica.Partition)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.Replica.Term).First().Node);

    /// <summary>Each group as its leader sees it; of two that both claim to lead (one deposed, not yet told), the
    /// later term's.</summary>
    public static IReadOnlyList<ReplicaView> LeaderViews(IReadOnlyList<PlacementView> views) => views
        .SelectMany(v => v.Replicas)
        .Where(r => r.Leading)
        .GroupBy(r => r.Partition)
        .Select(g => g.OrderByDescending(r => r.Term).First())
        .OrderBy(r => r.Partition)
        .ToArray();

    private static IEnumerable<ulong> MembersOf(ReplicaView group) => group.Members.Voters.Concat(group.Members.Learners);
}
