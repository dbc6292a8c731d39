namespace KvActors.Raft;

/// <summary>Membership changes, one member at a time; each takes effect when the host has applied it.</summary>
internal sealed partial class Raft
{
    /// <summary>The index of the latest configuration change this leader proposed: no other until it is applied.</summary>
    public ulong PendingConfIndex { get; private set; }

    public void ApplyConfChange(ConfChange change)
    {
        var next = Log.LastIndex + 1;
        switch (change.Type)
        {
            case ConfChangeType.AddNode:
                Tracker.AddVoter(change.NodeId, next);
                break;
            case ConfChangeType.AddLearner:
                // Demoting the last voter would leave a group that can never elect anyone.
                if (Tracker.Voters.Count == 1 && Tracker.IsVoter(change.NodeId)) return;
                Tracker.AddLearner(change.NodeId, next);
                break;
            case ConfChangeType.RemoveNode:
                if (Tracker.Voters.Count == 1 && Tracker.IsVoter(change.NodeId)) return;
                Tracker.Remove(change.NodeId);
                break;
        }

        if (Role != RaftRole.Leader) return;
        if (!Promotable)
        {
            // Removed or demoted: a leader must be a voter. The others elect a new one.
            BecomeFollower(Term, 0);
            return;
        }

        if (LeadTransferee != 0 && !Tracker.IsVoter(LeadTransferee)) AbortLeaderTransfer();
        // A smaller quorum may commit more; new members get their first probe now.
        if (MaybeCommit()) BroadcastAppend();
        else
        {
            foreach (var id in Tracker.Progress.Keys)
            {
                if (id != Id) SendAppend(id, sendIfEmpty: false);
            }
        }
    }
}
