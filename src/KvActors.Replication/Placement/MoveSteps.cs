using KvActors.Raft;
using KvActors.Replication.Joining;

namespace KvActors.Replication.Placement;

/// <summary>
/// A move as single-member changes, etcd's way (a learner first, so a replica that holds nothing yet never counts in
/// a quorum): add the new replica as a learner; once it is within <see cref="JoinSteps.CaughtUpLag"/> entries of the
/// commit index, promote it; then remove the old one. Growing before shrinking keeps the group's fault tolerance
/// through the move (three voters become four, then three again). The leader never removes itself: it hands the
/// leadership off first. Each step is decided from the applied membership alone, so asking again after a leader
/// change resumes the move.
/// </summary>
public static class MoveSteps
{
    /// <param name="members">The membership the leader has applied.</param>
    /// <param name="leader">The leader's own id.</param>
    /// <param name="from">The replica to take out, or 0.</param>
    /// <param name="to">The new replica's id, or 0 when the group gains none.</param>
    /// <param name="toMatch">The highest log index the leader knows the new replica holds (0 if none).</param>
    /// <param name="committed">The leader's commit index.</param>
    public static MoveStep Next(ConfState members, ulong leader, ulong from, ulong to, ulong toMatch, ulong committed)
    {
        if (to != 0)
        {
            if (!members.Contains(to)) return new MoveStep.Propose(new ConfChange(ConfChangeType.AddLearner, to));
            if (members.Learners.Contains(to))
            {
                return toMatch == 0 || toMatch + JoinSteps.CaughtUpLag < committed
                    ? new MoveStep.Wait()
                    : new MoveStep.Propose(new ConfChange(ConfChangeType.AddNode, to));
            }
        }

        if (from == 0 || !members.Contains(from)) return new MoveStep.Done();
        return from == leader ? new MoveStep.HandOffLeadership() : new MoveStep.Propose(new ConfChange(ConfChangeType.RemoveNode, from));
    }
}
