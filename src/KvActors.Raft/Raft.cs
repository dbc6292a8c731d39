namespace KvActors.Raft;

/// <summary>
/// The protocol's state machine for one replica: messages and ticks in, messages and log changes out. It never
/// waits and never does I/O; <see cref="RaftNode"/> wraps it into Ready/Advance for the host. This file holds the
/// state, the role transitions and the dispatch of <see cref="Step"/>; each concern has its own partial file.
/// </summary>
internal sealed partial class Raft
{
    private readonly RaftConfig _config;
    private readonly Random _random;
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;

    public Raft(RaftConfig config)
    {
        config.Validate();
        _config = config;
        _random = new Random(config.RandomSeed ^ (int)config.Id);
        Id = config.Id;
        Log = new RaftLog(config.Storage);
        Tracker = new ProgressTracker(config.MaxInflightMessages, config.MaxInflightBytes);
        var (hardState, confState) = config.Storage.InitialState();
        Tracker.Reset(confState, Log.LastIndex + 1);
        if (!hardState.IsEmpty)
        {
            if (hardState.Commit > Log.LastIndex)
                throw new InvalidOperationException($"stored commit {hardState.Commit} beyond stored last index {Log.LastIndex}");
            Term = hardState.Term;
            Vote = hardState.Vote;
            Log.CommitTo(hardState.Commit);
        }

        if (config.Applied > Log.Applied) Log.AppliedTo(Math.Min(config.Applied, Log.Committed));
        BecomeFollower(Term, 0);
    }

    public ulong Id { get; }

    public ulong Term { get; private set; }

    /// <summary>Whom this replica voted for in <see cref="Term"/> (0: nobody yet).</summary>
    public ulong Vote { get; private set; }

    public RaftLog Log { get; }

    public ProgressTracker Tracker { get; }

    public RaftRole Role { get; private set; }

    public ulong Lead { get; private set; }

    /// <summary>Messages the host may send at once, before this round's writes are durable.</summary>
    public List<Message> Messages { get; } = [];

    /// <summary>Messages that vouch for this round's writes: the host sends them only once those are durable.</summary>
    public List<Message> MessagesAfterPersist { get; } = [];

    private bool IsBroken(BrokenRules rule) => (_config.Broken & rule) != 0;

    /// <summary>Only voters campaign: a learner or a removed node never starts an election.</summary>
    public bool Promotable => Tracker.IsVoter(Id);

    public HardState HardState => new(Term, Vote, Log.Committed);

    public SoftState SoftState => new(Lead, Role);

    public void Tick()
    {
        if (Role == RaftRole.Leader) TickAsLeader();
        else TickAsFollower();
    }

    private void TickAsFollower()
    {
        _electionElapsed++;
        if (Promotable && _electionElapsed >= _randomizedElectionTimeout)
        {
            _electionElapsed = 0;
            Step(new Message { Type = MessageType.Hup, From = Id });
        }
    }

    private void TickAsLeader()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        foreach (var progress in Tracker.Progress.Values)
        {
            if (progress.State == ProgressState.Snapshot) progress.SnapshotAge++;
        }

        if (_electionElapsed >= _config.ElectionTick)
        {
            _electionElapsed = 0;
            if (_config.CheckQuorum) Step(new Message { Type = MessageType.CheckQuorum, From = Id });
            // A transfer that did not finish within an election timeout has failed: take proposals again.
            if (Role == RaftRole.Leader) AbortLeaderTransfer();
        }

        if (Role != RaftRole.Leader) return;
        if (_heartbeatElapsed >= _config.HeartbeatTick)
        {
            _heartbeatElapsed = 0;
            Step(new Message { Type = MessageType.Beat, From = Id });
        }
    }

    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = 0;
        }

        Lead = 0;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _config.ElectionTick + _random.Next(_config.ElectionTick);
        AbortLeaderTransfer();
        Tracker.Votes.Clear();
        var next = Log.LastIndex + 1;
        foreach (var id in Tracker.Progress.Keys.ToList())
        {
            var learner = Tracker.Progress[id].IsLearner;
            Tracker.Progress[id] = new Progress(next, _config.MaxInflightMessages, _config.MaxInflightBytes, learner)
            {
                Match = id == Id ? Log.StableLastIndex : 0,
            };
        }

        PendingConfIndex = 0;
        ResetReads();
    }

    public void BecomeFollower(ulong term, ulong lead)
    {
        Reset(term);
        Lead = lead;
        Role = RaftRole.Follower;
    }

    private void BecomePreCandidate()
    {
        // Neither the term nor the vote changes: that is what makes a pre-vote harmless.
        if (Role == RaftRole.Leader) throw new InvalidOperationException("a leader cannot become a pre-candidate");
        Tracker.Votes.Clear();
        Lead = 0;
        Role = RaftRole.PreCandidate;
    }

    private void BecomeCandidate()
    {
        if (Role == RaftRole.Leader) throw new InvalidOperationException("a leader cannot become a candidate");
        Reset(Term + 1);
        Vote = Id;
        Role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        if (Role == RaftRole.Follower) throw new InvalidOperationException("a follower cannot become leader directly");
        Reset(Term);
        Lead = Id;
        Role = RaftRole.Leader;
        Tracker.Progress[Id].BecomeReplicate();
        // The no-op: committing it commits everything before it, and lets ReadIndex serve.
        AppendEntries([new Entry(0, 0, EntryType.Normal, [])]);
        // No configuration change until everything up to the no-op is applied, so an entry of this term is committed
        // first, as single-server changes need (Ongaro's fix to the dissertation); any change an earlier leader left
        // in the log is applied by then too.
        PendingConfIndex = Log.LastIndex;
    }

    /// <summary>Steps a message into the protocol; false when a proposal (or a forwarded one) was dropped.</summary>
    public bool Step(Message m)
    {
        if (m.Term == 0)
        {
            // Local message, or a forwarded proposal / read.
        }
        else if (m.Term > Term)
        {
            if (m.Type is MessageType.Vote or MessageType.PreVote)
            {
                // Check-quorum: while we hear from a leader, a candidate is likely one that was cut off; ignore it
                // unless the leader itself asked for the election (transfer).
                var inLease = _config.CheckQuorum && Lead != 0 && _electionElapsed < _config.ElectionTick;
                if (!m.LeaderTransfer && inLease) return true;
            }

            if (m.Type == MessageType.PreVote)
            {
                // A pre-vote never changes our term.
            }
            else if (m.Type == MessageType.PreVoteResponse && !m.Reject)
            {
                // Granted pre-votes carry the term we would campaign in; we reach it when we campaign.
            }
            else if (m.Type is MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot)
            {
                BecomeFollower(m.Term, m.From);
            }
            else
            {
                BecomeFollower(m.Term, 0);
            }
        }
        else if (m.Term < Term)
        {
            if ((_config.CheckQuorum || _config.PreVote) && m.Type is MessageType.Heartbeat or MessageType.Append)
            {
                // A stale leader (or we moved our term on while cut off): tell it our term so that one of us moves
                // on; with check-quorum we would otherwise ignore its votes and could never rejoin.
                Send(new Message { Type = MessageType.AppendResponse, To = m.From });
            }
            else if (m.Type == MessageType.PreVote)
            {
                Send(new Message { Type = MessageType.PreVoteResponse, To = m.From, Term = Term, Reject = true });
            }

            return true;
        }

        switch (m.Type)
        {
            case MessageType.Hup:
                Hup(transfer: false);
                return true;
            case MessageType.Vote:
            case MessageType.PreVote:
                HandleVoteRequest(m);
                return true;
        }

        return Role switch
        {
            RaftRole.Leader => StepLeader(m),
            RaftRole.Follower => StepFollower(m),
            _ => StepCandidate(m),
        };
    }

    private bool StepLeader(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Beat:
                BroadcastHeartbeat();
                return true;
            case MessageType.CheckQuorum:
                CheckQuorumAsLeader();
                return true;
            case MessageType.Propose:
                return HandlePropose(m);
            case MessageType.ReadIndex:
                HandleReadIndex(m);
                return true;
        }

        if (!Tracker.Progress.TryGetValue(m.From, out var progress)) return true;
        switch (m.Type)
        {
            case MessageType.AppendResponse:
                HandleAppendResponse(m, progress);
                break;
            case MessageType.HeartbeatResponse:
                HandleHeartbeatResponse(m, progress);
                break;
            case MessageType.SnapshotStatus:
                HandleSnapshotStatus(m, progress);
                break;
            case MessageType.Unreachable:
                // The transport could not deliver: stop pipelining into the void, probe instead.
                if (progress.State == ProgressState.Replicate) progress.BecomeProbe();
                break;
            case MessageType.TransferLeader:
                HandleTransferLeader(m, progress);
                break;
        }

        return true;
    }

    private bool StepFollower(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Propose:
            case MessageType.TransferLeader:
            case MessageType.ReadIndex:
                if (Lead == 0) return false;
                Send(m with { To = Lead });
                return true;
            case MessageType.Append:
                _electionElapsed = 0;
                Lead = m.From;
                HandleAppend(m);
                return true;
            case MessageType.Heartbeat:
                _electionElapsed = 0;
                Lead = m.From;
                HandleHeartbeat(m);
                return true;
            case MessageType.Snapshot:
                _electionElapsed = 0;
                Lead = m.From;
                HandleSnapshot(m);
                return true;
            case MessageType.TimeoutNow:
                // Our leader asks us to take over: campaign at once, without a pre-vote round.
                Hup(transfer: true);
                return true;
            case MessageType.ReadIndexResponse:
                ReadStates.Add(new ReadState(m.Index, m.Context ?? []));
                return true;
        }

        return true;
    }

    private bool StepCandidate(Message m)
    {
        var myResponse = Role == RaftRole.PreCandidate ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        switch (m.Type)
        {
            case MessageType.Propose:
            case MessageType.ReadIndex:
                return false;
            case MessageType.Append:
                BecomeFollower(m.Term, m.From);
                HandleAppend(m);
                return true;
            case MessageType.Heartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                return true;
            case MessageType.Snapshot:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                return true;
        }

        if (m.Type == myResponse)
        {
            Tracker.RecordVote(m.From, !m.Reject);
            switch (Tracker.TallyVotes(countLearners: IsBroken(BrokenRules.LearnerVotes)))
            {
                case VoteResult.Won when Role == RaftRole.PreCandidate:
                    Campaign(CampaignKind.Election);
                    break;
                case VoteResult.Won:
                    BecomeLeader();
                    BroadcastAppend();
                    break;
                case VoteResult.Lost:
                    BecomeFollower(Term, 0);
                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// Queues a message. Most replies vouch for state this round changed (a vote, appended entries, a new term),
    /// so they wait until the host made that state durable; a leader's own appends and heartbeats, and pre-votes,
    /// vouch for nothing new and may leave at once.
    /// </summary>
    private void Send(Message m)
    {
        if (m.From == 0) m = m with { From = Id };
        if (m.Type is MessageType.Vote or MessageType.VoteResponse or MessageType.PreVote or MessageType.PreVoteResponse)
        {
            if (m.Term == 0) throw new InvalidOperationException($"{m.Type} needs an explicit term");
        }
        else if (m.Type is not (MessageType.Propose or MessageType.ReadIndex))
        {
            m = m with { Term = Term };
        }
        else if (m.Term != 0)
        {
            throw new InvalidOperationException($"forwarded {m.Type} carries no term");
        }

        var safeBeforePersist =
            m.Type is MessageType.PreVote or MessageType.PreVoteResponse ||
            (Role == RaftRole.Leader && m.Type is MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot
                or MessageType.TimeoutNow or MessageType.ReadIndexResponse);
        if (safeBeforePersist || IsBroken(BrokenRules.ReplyBeforeDurable)) Messages.Add(m);
        else MessagesAfterPersist.Add(m);
    }
}
