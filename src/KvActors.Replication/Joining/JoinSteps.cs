using KvActors.Raft;

namespace KvActors.Replication.Joining;

/// <summary>
/// The leader's next membership change for a replica that asks to join (<see cref="JoinGroup"/>), one single-member
/// change at a time: first it is added as a learner, which takes no part in quorums while it catches up (a snapshot,
/// then the log); once it is within <see cref="CaughtUpLag"/> entries of the commit index (it need not be exact: a
/// steady write load keeps the commit index a step ahead of every follower), the older incarnations of its node (dead: their data is gone)
/// are removed, and then it is promoted to voter. Asked again after each change is applied, it says what comes next,
/// so a leader change midway simply resumes. A request from an incarnation older than one the group holds is stale
/// and changes nothing.
/// </summary>
public static class JoinSteps
{
    /// <summary>How far behind the commit index a learner may be and still count as caught up.</summary>
    public const ulong CaughtUpLag = 100;

    /// <param name="members">The membership the leader has applied.</param>
    /// <param name="joining">The replica asking to join.</param>
    /// <param name="joiningMatch">The highest log index the leader knows the joining replica holds (0 if none).</param>
    /// <param name="committed">The leader's commit index.</param>
    /// <returns>The change to propose, or null when there is none to make now.</returns>
    public static ConfChange? Next(ConfState members, ulong joining, ulong joiningMatch, ulong committed)
    {
        var slot = ReplicaGroup.SlotOf(joining);
        var older = members.Voters.Concat(members.Learners).Where(id => id != joining && ReplicaGroup.SlotOf(id) == slot).ToArray();
        if (older.Any(id => ReplicaGroup.IncarnationOf(id) > ReplicaGroup.IncarnationOf(joining))) return null;

        // A half-finished earlier attempt left a learner: it holds no vote, so it goes first.
        var olderLearner = older.Where(members.Learners.Contains).Select(id => (ulong?)id).FirstOrDefault();
        if (olderLearner is { } learner) return new ConfChange(ConfChangeType.RemoveNode, learner);
        if (!members.Contains(joining)) return new ConfChange(ConfChangeType.AddLearner, joining);
        if (members.Learners.Contains(joining) && (joiningMatch == 0 || joiningMatch + CaughtUpLag < committed)) return null; // still catching up

        var olderVoter = older.Select(id => (ulong?)id).FirstOrDefault();
        if (olderVoter is { } voter) return new ConfChange(ConfChangeType.RemoveNode, voter);
        return members.Learners.Contains(joining) ? new ConfChange(ConfChangeType.AddNode, joining) : null;
    }
}
