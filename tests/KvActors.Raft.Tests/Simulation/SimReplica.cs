namespace KvActors.Raft.Tests.Simulation;

/// <summary>
/// A simulated host of one replica: handles each Ready as a correct host must (send what may go early, write,
/// send the rest, apply), except that it can crash at any point of that sequence, losing all but its storage.
/// </summary>
internal sealed class SimReplica
{
    private readonly Func<MemoryStorage, ulong, RaftNode> _create;
    private readonly List<(ulong Index, byte[] Context)> _readsWaitingForApply = [];

    public SimReplica(ulong id, MemoryStorage storage, double tickRate, Func<MemoryStorage, ulong, RaftNode> create)
    {
        Id = id;
        Storage = storage;
        TickRate = tickRate;
        _create = create;
        Node = Start();
    }

    public ulong Id { get; }

    public MemoryStorage Storage { get; }

    public RaftNode Node { get; private set; }

    public KvMachine Machine { get; private set; } = new();

    /// <summary>Chance per step that this replica's timer ticks: replicas' clocks run at different speeds.</summary>
    public double TickRate { get; }

    public bool Up { get; private set; } = true;

    /// <summary>Removed from the group and stopped for good.</summary>
    public bool Decommissioned { get; set; }

    public long DownUntil { get; set; }

    /// <summary>Set by the fault injector: crash at this point of the next Ready.</summary>
    public CrashPoint? PendingCrash { get; set; }

    public RaftRole LastRole { get; set; }

    public void Crash()
    {
        Up = false;
        PendingCrash = null;
        _readsWaitingForApply.Clear();
    }

    /// <summary>Starts again from durable storage only; the state machine is rebuilt from the stored snapshot and
    /// the committed entries the node hands out again.</summary>
    public void Restart()
    {
        Node = Start();
        LastRole = RaftRole.Follower;
        Up = true;
    }

    private RaftNode Start()
    {
        var snapshot = Storage.Snapshot();
        Machine = new KvMachine();
        Machine.Restore(snapshot.Data, snapshot.Metadata.Index);
        return _create(Storage, snapshot.Metadata.Index);
    }

    /// <summary>Handles one Ready. Returns false if the replica crashed while doing so.</summary>
    public bool HandleReady(Simulation sim)
    {
        var ready = Node.Ready();
        if (ready.SoftState is { } soft)
        {
            LastRole = soft.Role;
            if (soft.Role == RaftRole.Leader)
            {
                sim.Monitor.OnLeader(Id, Node.Term, Node);
                sim.OnLeaderMoment(this);
            }
        }

        foreach (var m in ready.Messages) sim.Network.Send(m, sim.Now);
        if (CrashesAt(CrashPoint.BeforePersist)) return false;

        if (ready.Snapshot is { } snapshot) Storage.ApplySnapshot(snapshot);
        Storage.Append(ready.Entries);
        if (ready.HardState is { } hs)
        {
            if (hs.Commit < Storage.HardState.Commit)
                throw new SafetyViolationException("durability", $"replica {Id} lowers its durable commit {Storage.HardState.Commit} to {hs.Commit}");
            Storage.SetHardState(hs);
        }

        sim.Monitor.OnPersisted(Id, ready.Entries, Storage);
        if (CrashesAt(CrashPoint.BeforeReplies)) return false;
        foreach (var m in ready.MessagesAfterPersist) sim.Network.Send(m, sim.Now);
        if (CrashesAt(CrashPoint.BeforeApply)) return false;

        if (ready.Snapshot is { } installed) Machine.Restore(installed.Data, installed.Metadata.Index);
        foreach (var entry in ready.CommittedEntries)
        {
            sim.Monitor.OnApply(Id, entry, Machine.AppliedIndex + 1);
            if (Machine.Apply(entry) is { } completedWrite) sim.OnWriteApplied(this, completedWrite);
            if (entry.Type == EntryType.ConfChange) sim.OnConfChangeApplied(ConfChange.Decode(entry.Data));
        }

        if (ready.CommittedEntries.Count > 0 && Node.Role == RaftRole.Leader) sim.OnLeaderMoment(this);
        foreach (var read in ready.ReadStates) _readsWaitingForApply.Add((read.Index, read.Context));
        Node.Advance();
        ServeReads(sim);
        return !(ready.CommittedEntries.Count > 0 && CrashesAt(CrashPoint.AfterApply));
    }

    private void ServeReads(Simulation sim)
    {
        for (var i = 0; i < _readsWaitingForApply.Count; i++)
        {
            var (index, context) = _readsWaitingForApply[i];
            if (index > Machine.AppliedIndex) continue;
            sim.OnReadServed(this, context);
            _readsWaitingForApply.RemoveAt(i--);
        }
    }

    private bool CrashesAt(CrashPoint point)
    {
        if (PendingCrash != point) return false;
        Crash();
        return true;
    }
}
