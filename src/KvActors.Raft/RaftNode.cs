namespace KvActors.Raft;

/// <summary>
/// One replica of a Raft group, driven by its host: inputs (<see cref="Tick"/>, <see cref="Step"/>,
/// <see cref="Propose(byte[])"/>, <see cref="ReadIndex"/>, <see cref="ProposeConfChange"/>, <see cref="TransferLeadership"/>)
/// change its state; <see cref="Ready"/> says what the host must persist, send and apply; <see cref="Advance"/>
/// says it did. Not thread-safe: one caller at a time, as an actor would.
/// </summary>
public sealed class RaftNode
{
    private readonly Raft _raft;
    private readonly BrokenRules _broken;
    private HardState _lastHardState;
    private SoftState _lastSoftState;
    private Ready? _outstanding;

    public RaftNode(RaftConfig config)
    {
        _raft = new Raft(config);
        _broken = config.Broken;
        _lastHardState = _raft.HardState;
        _lastSoftState = _raft.SoftState;
    }

    public ulong Id => _raft.Id;

    /// <summary>The protocol state machine itself, for specs that need to step local messages.</summary>
    internal Raft Core => _raft;

    public ulong Term => _raft.Term;

    public RaftRole Role => _raft.Role;

    public ulong Lead => _raft.Lead;

    public ulong Committed => _raft.Log.Committed;

    public ulong Applied => _raft.Log.Applied;

    public ulong LastIndex => _raft.Log.LastIndex;

    /// <summary>The membership in effect: the latest applied configuration.</summary>
    public ConfState ConfState => _raft.Tracker.ConfState;

    /// <summary>One tick of the host's timer: drives election timeouts and heartbeats.</summary>
    public void Tick() => _raft.Tick();

    /// <summary>A message from another replica. Local message types are refused.</summary>
    public void Step(Message message)
    {
        if (message.Type is MessageType.Hup or MessageType.Beat or MessageType.CheckQuorum or MessageType.Unreachable
            or MessageType.SnapshotStatus)
            throw new ArgumentException($"{message.Type} is local; it never comes from the network", nameof(message));
        // Answers from members we do not know (removed, or not yet added here) are stale: drop them.
        if (IsResponse(message.Type) && !_raft.Tracker.Progress.ContainsKey(message.From)) return;
        _raft.Step(message);
    }

    /// <summary>Proposes a payload for the log. False if this replica knows it cannot take it now (no leader known,
    /// a transfer under way); true does not promise a commit: watch the committed entries.</summary>
    public bool Propose(byte[] data) => _raft.Step(new Message
    {
        Type = MessageType.Propose, From = Id, Entries = [new Entry(0, 0, EntryType.Normal, data)],
    });

    /// <summary>Proposes several payloads as one batch: consecutive log entries, appended and replicated together (a
    /// host's group commit). Same answer as <see cref="Propose(byte[])"/>, for the whole batch.</summary>
    public bool Propose(IReadOnlyList<byte[]> payloads)
    {
        var entries = new Entry[payloads.Count];
        for (var i = 0; i < entries.Length; i++) entries[i] = new Entry(0, 0, EntryType.Normal, payloads[i]);
        return _raft.Step(new Message { Type = MessageType.Propose, From = Id, Entries = entries });
    }

    /// <summary>Proposes a membership change. Refused while another is not yet applied, or before this leader has
    /// applied an entry of its own term.</summary>
    public bool ProposeConfChange(ConfChange change) => _raft.Step(new Message
    {
        Type = MessageType.Propose, From = Id, Entries = [new Entry(0, 0, EntryType.ConfChange, change.Encode())],
    });

    /// <summary>Asks for a linearizable read point; a <see cref="ReadState"/> with the same context comes back in a
    /// later Ready, or never (leadership lost: the host retries after a timeout).</summary>
    public void ReadIndex(byte[] context) =>
        _raft.Step(new Message { Type = MessageType.ReadIndex, From = Id, Context = context });

    /// <summary>Asks the leader to hand leadership to <paramref name="to"/> (forwarded if this is not the leader).</summary>
    public void TransferLeadership(ulong to) =>
        _raft.Step(new Message { Type = MessageType.TransferLeader, From = to });

    /// <summary>The transport could not reach <paramref name="id"/>.</summary>
    public void ReportUnreachable(ulong id) => _raft.Step(new Message { Type = MessageType.Unreachable, From = id });

    /// <summary>The transport finished sending a snapshot to <paramref name="id"/>, or failed to.</summary>
    public void ReportSnapshot(ulong id, bool failed) =>
        _raft.Step(new Message { Type = MessageType.SnapshotStatus, From = id, Reject = failed });

    public bool HasReady =>
        _raft.SoftState != _lastSoftState
        || (_raft.HardState != _lastHardState && !_raft.HardState.IsEmpty)
        || _raft.Log.Unstable.Entries.Count > 0
        || _raft.Log.Unstable.Snapshot is not null
        || _raft.Messages.Count > 0
        || _raft.MessagesAfterPersist.Count > 0
        || _raft.ReadStates.Count > 0
        || _raft.Log.HasNextCommittedEntries(HandOutUpTo);

    /// <summary>What the host must do next (see <see cref="KvActors.Raft.Ready"/>). Call <see cref="Advance"/> before the next one.</summary>
    public Ready Ready()
    {
        if (_outstanding is not null) throw new InvalidOperationException("Advance the previous Ready first");
        var hardState = _raft.HardState;
        var softState = _raft.SoftState;
        var entries = _raft.Log.Unstable.Entries.ToArray();
        var ready = new Ready
        {
            SoftState = softState != _lastSoftState ? softState : null,
            HardState = hardState != _lastHardState && !hardState.IsEmpty ? hardState : null,
            Entries = entries,
            Snapshot = _raft.Log.Unstable.Snapshot,
            CommittedEntries = CommittedToHandOut(),
            Messages = Take(_raft.Messages),
            MessagesAfterPersist = Take(_raft.MessagesAfterPersist),
            ReadStates = Take(_raft.ReadStates),
            MustSync = entries.Length > 0 || hardState.Term != _lastHardState.Term || hardState.Vote != _lastHardState.Vote,
        };
        _outstanding = ready;
        return ready;
    }

    /// <summary>The host persisted, sent and applied everything in the last <see cref="Ready"/>.</summary>
    public void Advance()
    {
        var ready = _outstanding ?? throw new InvalidOperationException("no Ready to advance");
        _outstanding = null;
        if (ready.HardState is { } hs) _lastHardState = hs;
        if (ready.SoftState is { } ss) _lastSoftState = ss;
        if (ready.Snapshot is { } snapshot)
        {
            _raft.Log.StableSnapshotTo(snapshot.Metadata.Index);
            _raft.Log.AppliedTo(snapshot.Metadata.Index);
        }

        if (ready.Entries.Count > 0) _raft.OnPersisted(ready.Entries[^1].Index, ready.Entries[^1].Term);
        if (ready.CommittedEntries.Count > 0)
        {
            _raft.Log.AppliedTo(ready.CommittedEntries[^1].Index);
            foreach (var entry in ready.CommittedEntries)
            {
                if (entry.Type == EntryType.ConfChange) _raft.ApplyConfChange(ConfChange.Decode(entry.Data));
            }
        }
    }

    public RaftStatus Status()
    {
        var progress = new Dictionary<ulong, PeerStatus>();
        if (_raft.Role == RaftRole.Leader)
        {
            foreach (var (id, p) in _raft.Tracker.Progress) progress[id] = new PeerStatus(p.Match, p.Next, p.State, p.IsLearner, p.RecentActive);
        }

        return new RaftStatus(Id, _raft.HardState, _raft.SoftState, _raft.Log.Applied, _raft.Log.LastIndex,
            _raft.LeadTransferee, ConfState, progress);
    }

    private IReadOnlyList<Entry> CommittedToHandOut() => _raft.Log.NextCommittedEntries(HandOutUpTo);

    private ulong HandOutUpTo => (_broken & BrokenRules.ApplyBeforeCommit) != 0 ? _raft.Log.LastIndex : _raft.Log.Committed;

    private static bool IsResponse(MessageType type) => type is MessageType.AppendResponse or MessageType.VoteResponse
        or MessageType.PreVoteResponse or MessageType.HeartbeatResponse;

    private static T[] Take<T>(List<T> list)
    {
        if (list.Count == 0) return [];
        var taken = list.ToArray();
        list.Clear();
        return taken;
    }
}
