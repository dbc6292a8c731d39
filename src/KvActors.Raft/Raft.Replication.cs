namespace KvActors.Raft;

/// <summary>Log replication: proposals, appends with flow control and fast back-off, and the commit rule.</summary>
internal sealed partial class Raft
{
    private bool HandlePropose(Message m)
    {
        if (m.Entries.Count == 0) throw new InvalidOperationException("an empty proposal");
        // Removed from the group, or handing leadership over: the proposal would likely be lost; refuse it now.
        if (!Tracker.Progress.ContainsKey(Id) || LeadTransferee != 0) return false;
        for (var i = 0; i < m.Entries.Count; i++)
        {
            if (m.Entries[i].Type != EntryType.ConfChange) continue;
            // One membership change at a time: the previous one must be applied (it takes effect when applied).
            if (PendingConfIndex > Log.Applied) return false;
            PendingConfIndex = Log.LastIndex + (ulong)i + 1;
        }

        AppendEntries(m.Entries);
        BroadcastAppend();
        return true;
    }

    private void AppendEntries(IReadOnlyList<Entry> entries)
    {
        var last = Log.LastIndex;
        var stamped = new Entry[entries.Count];
        for (var i = 0; i < entries.Count; i++) stamped[i] = entries[i] with { Term = Term, Index = last + 1 + (ulong)i };
        Log.Append(stamped);
        // The leader counts its own copy only once the host made it durable (OnPersisted).
    }

    /// <summary>The host made entries up to (index, term) durable.</summary>
    public void OnPersisted(ulong index, ulong term)
    {
        Log.StableTo(index, term);
        if (Role != RaftRole.Leader || !Tracker.Progress.TryGetValue(Id, out var self)) return;
        if (self.MaybeUpdate(Log.StableLastIndex) && MaybeCommit()) BroadcastAppend();
    }

    /// <summary>
    /// Commits the highest index a quorum holds, but only if it is an entry of this term: an older entry held by a
    /// quorum can still be overwritten by a leader that never saw it (figure 8). Entries of older terms become
    /// committed with the first entry of this term that is.
    /// </summary>
    private bool MaybeCommit()
    {
        var quorumMatch = Tracker.QuorumMatch();
        if (quorumMatch <= Log.Committed) return false;
        if (Log.Term(quorumMatch) != Term && !IsBroken(BrokenRules.CommitOlderTermByCounting)) return false;
        var hadCommittedInTerm = CommittedEntryInCurrentTerm;
        Log.CommitTo(quorumMatch);
        if (!hadCommittedInTerm && CommittedEntryInCurrentTerm) ReleaseReadsWaitingForCommitInTerm();
        return true;
    }

    private bool CommittedEntryInCurrentTerm => Log.Term(Log.Committed) == Term;

    private void BroadcastAppend()
    {
        foreach (var id in Tracker.Progress.Keys)
        {
            if (id != Id) SendAppend(id);
        }
    }

    /// <summary>Sends the follower what it lacks, as flow control allows; a snapshot if we compacted that away.</summary>
    private bool SendAppend(ulong to, bool sendIfEmpty = true)
    {
        var progress = Tracker.Progress[to];
        if (progress.IsPaused) return false;
        var previous = progress.Next - 1;
        if (!Log.TryTerm(previous, out var previousTerm) || !Log.TryEntries(progress.Next, _config.MaxSizePerMessage, out var entries))
            return SendSnapshot(to, progress);
        if (entries.Count == 0 && !sendIfEmpty) return false;
        long bytes = 0;
        foreach (var e in entries) bytes += e.Size;
        Send(new Message
        {
            Type = MessageType.Append, To = to, Index = previous, LogTerm = previousTerm, Entries = entries,
            Commit = Log.Committed,
        });
        progress.SentEntries(entries.Count, entries.Count > 0 ? entries[^1].Index : previous, bytes);
        return true;
    }

    private bool SendSnapshot(ulong to, Progress progress)
    {
        // A follower we have not heard from lately may be down: a snapshot is too big to throw at it blindly.
        if (!progress.RecentActive) return false;
        var snapshot = Log.Snapshot();
        if (snapshot.IsEmpty) throw new InvalidOperationException("the log was compacted without a snapshot to send");
        Send(new Message { Type = MessageType.Snapshot, To = to, Snapshot = snapshot });
        progress.BecomeSnapshot(snapshot.Metadata.Index);
        return true;
    }

    private void BroadcastHeartbeat()
    {
        var context = LastPendingReadContext;
        foreach (var id in Tracker.Progress.Keys)
        {
            if (id != Id) SendHeartbeat(id, context);
        }
    }

    private void SendHeartbeat(ulong to, byte[]? context)
    {
        // Never tell a follower to commit beyond what it is known to hold: it might not hold our entries there.
        var commit = Math.Min(Tracker.Progress[to].Match, Log.Committed);
        Send(new Message { Type = MessageType.Heartbeat, To = to, Commit = commit, Context = context });
    }

    private void HandleAppendResponse(Message m, Progress progress)
    {
        progress.RecentActive = true;
        if (m.Reject)
        {
            // Fast back-off: jump over the whole run of entries the follower cannot match, not one per round trip.
            var nextProbe = m.RejectHint;
            if (m.LogTerm > 0) nextProbe = Log.FindConflictByTerm(m.RejectHint, m.LogTerm).Index;
            if (progress.MaybeDecreaseTo(m.Index, nextProbe))
            {
                if (progress.State == ProgressState.Replicate) progress.BecomeProbe();
                SendAppend(m.From);
            }

            return;
        }

        var wasPaused = progress.IsPaused;
        if (!progress.MaybeUpdate(m.Index) && !(progress.Match == m.Index && progress.State == ProgressState.Probe)) return;
        switch (progress.State)
        {
            case ProgressState.Probe:
                progress.BecomeReplicate();
                break;
            case ProgressState.Snapshot when progress.Match + 1 >= Log.FirstIndex:
                progress.BecomeProbe();
                progress.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                progress.Inflights.FreeLE(m.Index);
                break;
        }

        if (MaybeCommit()) BroadcastAppend();
        else if (wasPaused) SendAppend(m.From);
        // Pipelining: fill the window while there is something to send.
        while (SendAppend(m.From, sendIfEmpty: false))
        {
        }

        if (m.From == LeadTransferee && progress.Match == Log.LastIndex) SendTimeoutNow(m.From);
    }

    private void HandleHeartbeatResponse(Message m, Progress progress)
    {
        progress.RecentActive = true;
        progress.ProbeSent = false;
        // The follower is alive; if the window is full its acknowledgements (or our appends) were lost: open it.
        if (progress.State == ProgressState.Replicate && progress.Inflights.Full) progress.Inflights.FreeFirst();
        // A snapshot unanswered for an election timeout was most likely lost: probe again (it resends if needed).
        if (progress.State == ProgressState.Snapshot && progress.SnapshotAge >= _config.ElectionTick) progress.BecomeProbe();
        if (progress.Match < Log.LastIndex) SendAppend(m.From);
        if (m.Context is { } context) AcknowledgeRead(m.From, context);
    }

    private void HandleSnapshotStatus(Message m, Progress progress)
    {
        if (progress.State != ProgressState.Snapshot) return;
        if (m.Reject) progress.BecomeProbe();
        else
        {
            progress.BecomeProbe();
            // Wait for the follower's answer to the snapshot before probing.
            progress.ProbeSent = true;
        }
    }

    private void HandleAppend(Message m)
    {
        if (m.Index < Log.Committed)
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = Log.Committed });
            return;
        }

        if (Log.TryAppend(m.Index, m.LogTerm, m.Commit, m.Entries, out var lastNew))
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = lastNew });
            return;
        }

        // Our log differs at m.Index: hint where it might match, the last entry whose term is not above the
        // leader's there, so the leader can skip the conflicting run.
        var (hintIndex, hintTerm) = Log.FindConflictByTerm(Math.Min(m.Index, Log.LastIndex), m.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendResponse, To = m.From, Index = m.Index, Reject = true, RejectHint = hintIndex,
            LogTerm = hintTerm,
        });
    }

    private void HandleHeartbeat(Message m)
    {
        Log.CommitTo(m.Commit);
        Send(new Message { Type = MessageType.HeartbeatResponse, To = m.From, Context = m.Context });
    }

    private void HandleSnapshot(Message m)
    {
        var snapshot = m.Snapshot ?? throw new InvalidOperationException("a snapshot message without a snapshot");
        var index = Restore(snapshot) ? Log.LastIndex : Log.Committed;
        Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = index });
    }

    /// <summary>Installs a leader's snapshot in place of our log, unless we already have what it covers.</summary>
    private bool Restore(Snapshot snapshot)
    {
        var meta = snapshot.Metadata;
        if (meta.Index <= Log.Committed) return false;
        // Even if the snapshot's membership lacks us (we were added after it was taken), install it: the leader
        // considers us a member, and the change that added us follows in the log.
        if (Log.MatchTerm(meta.Index, meta.Term))
        {
            // Our log already holds the snapshot's last entry: just learn that it is committed.
            Log.CommitTo(meta.Index);
            return false;
        }

        Log.Restore(snapshot);
        Tracker.Reset(meta.ConfState, Log.LastIndex + 1);
        return true;
    }
}
