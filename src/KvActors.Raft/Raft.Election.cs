namespace KvActors.Raft;

/// <summary>Elections: pre-vote, voting, and the check-quorum rule that makes a cut-off leader step down.</summary>
internal sealed partial class Raft
{
    private void Hup(bool transfer)
    {
        if (Role == RaftRole.Leader || !Promotable) return;
        // A configuration change committed but not yet applied could change who votes; wait for it.
        if (HasUnappliedConfChanges()) return;
        Campaign(transfer ? CampaignKind.Transfer : _config.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
    }

    private bool HasUnappliedConfChanges()
    {
        if (Log.Applied >= Log.Committed) return false;
        if (!Log.TrySlice(Log.Applied + 1, Log.Committed + 1, long.MaxValue, out var entries)) return false;
        foreach (var entry in entries)
        {
            if (entry.Type == EntryType.ConfChange) return true;
        }

        return false;
    }

    private void Campaign(CampaignKind kind)
    {
        MessageType request;
        ulong term;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            request = MessageType.PreVote;
            term = Term + 1;
        }
        else
        {
            BecomeCandidate();
            request = MessageType.Vote;
            term = Term;
        }

        // Our own vote: a single voter wins at once.
        Tracker.RecordVote(Id, true);
        if (Tracker.TallyVotes(IsBroken(BrokenRules.LearnerVotes)) == VoteResult.Won)
        {
            if (kind == CampaignKind.PreElection) Campaign(CampaignKind.Election);
            else BecomeLeader();
            return;
        }

        var lastIndex = Log.LastIndex;
        var lastTerm = Log.LastTerm;
        foreach (var voter in Tracker.Voters)
        {
            if (voter == Id) continue;
            Send(new Message
            {
                Type = request, To = voter, Term = term, Index = lastIndex, LogTerm = lastTerm,
                LeaderTransfer = kind == CampaignKind.Transfer,
            });
        }

        if (IsBroken(BrokenRules.LearnerVotes))
        {
            foreach (var learner in Tracker.Learners)
            {
                Send(new Message { Type = request, To = learner, Term = term, Index = lastIndex, LogTerm = lastTerm });
            }
        }
    }

    private void HandleVoteRequest(Message m)
    {
        var response = m.Type == MessageType.Vote ? MessageType.VoteResponse : MessageType.PreVoteResponse;
        // We can vote for whom we already voted for (a repeated request), for anyone while we have neither voted
        // nor heard of a leader in this term, and in a pre-vote for any later term (it binds us to nothing).
        var canVote = Vote == m.From
                      || (Vote == 0 && Lead == 0)
                      || (m.Type == MessageType.PreVote && m.Term > Term)
                      || (m.Type == MessageType.Vote && IsBroken(BrokenRules.GrantTwoVotesInOneTerm));
        if (canVote && Log.IsUpToDate(m.Index, m.LogTerm))
        {
            // A grant carries the candidate's term (for a pre-vote, the term it would campaign in).
            Send(new Message { Type = response, To = m.From, Term = m.Term });
            if (m.Type == MessageType.Vote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new Message { Type = response, To = m.From, Term = Term, Reject = true });
        }
    }

    private void CheckQuorumAsLeader()
    {
        if (!Tracker.QuorumActive(Id))
        {
            // Cut off from a quorum: a new leader may already serve on the other side. Stop taking writes and reads.
            BecomeFollower(Term, 0);
        }

        foreach (var (id, progress) in Tracker.Progress)
        {
            if (id != Id) progress.RecentActive = false;
        }
    }
}
