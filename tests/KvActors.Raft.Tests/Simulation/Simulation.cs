using KvActors.TestSupport.Linearizability;

namespace KvActors.Raft.Tests.Simulation;

/// <summary>
/// One seeded run of a Raft group: 3 or 5 replicas over a lossy, reordering, duplicating network with partitions
/// (symmetric and one-way) that heal, crashes at any point of a host's Ready handling followed by restarts from
/// durable storage, skewed clocks, client writes and ReadIndex reads, snapshots with log compaction, membership
/// changes and leadership transfers. <see cref="SafetyMonitor"/> checks safety after every Ready; at the end the
/// network heals and a leader must be elected and a write committed in bounded time, and the client history must be
/// linearizable. The seed alone decides the run, so a failure replays exactly.
/// </summary>
internal sealed class Simulation
{
    private static readonly string[] Keys = ["a", "b", "c"];
    private const int MaxOutstandingOperations = 10;

    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly SortedDictionary<ulong, SimReplica> _replicas = [];
    private readonly List<SimOperation> _history = [];
    private readonly Dictionary<int, (SimOperation Op, ulong Replica)> _pendingWrites = [];
    private readonly Dictionary<int, (SimOperation Op, ulong Replica)> _pendingReads = [];
    private readonly Dictionary<int, long> _firstApplied = [];
    private readonly Dictionary<int, ulong> _writeIndex = [];
    private readonly string _setup;

    // Per-seed knobs.
    private readonly int _initialVoters;
    private readonly bool _partitions, _crashes, _snapshots, _membership, _transfers;
    private readonly double _clientRate;

    // Leader churn: frequent short crashes and partitions aimed at the leader, the schedules where stale leaders
    // and logs of several terms meet (the paper's figure 8).
    private readonly bool _churn;
    private readonly double _crashRate;
    private readonly int _maxOutage;
    private readonly Func<RaftConfig, RaftConfig> _tune;

    private ulong _nextReplicaId;
    private int _nextOperation;
    private long _events;
    private long _healAt = -1;
    private int _crashCount, _partitionCount, _confChanges, _snapshotCount, _writes, _reads;
    private long _stepsToLeader = -1;
    private bool _inChaos = true;

    public Simulation(SimulationOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        Monitor = new SafetyMonitor();
        Network = new SimNetwork(new Random(options.Seed * 31 + 7))
        {
            DropRate = Pick(0.0, 0.02, 0.05, 0.1),
            DuplicateRate = Pick(0.0, 0.01, 0.03),
            MaxDelay = 1 + _random.Next(4),
        };
        _initialVoters = _random.NextDouble() < 0.6 ? 3 : 5;
        _partitions = _random.NextDouble() < 0.85;
        _crashes = _random.NextDouble() < 0.85;
        _snapshots = _random.NextDouble() < 0.7;
        _membership = _random.NextDouble() < 0.4;
        _transfers = _random.NextDouble() < 0.4;
        _clientRate = Pick(0.1, 0.2, 0.4);
        _churn = _random.NextDouble() < 0.3;
        _crashRate = _churn ? 0.03 : 0.006;
        _maxOutage = _churn ? 40 : 150;
        var maxSize = Pick(1L, 300L, 1L << 20);
        var maxInflight = Pick(1, 4, 256);
        var heartbeat = 1 + _random.Next(3);
        var preVote = _random.NextDouble() < 0.9;
        var checkQuorum = _random.NextDouble() < 0.9;
        var seed = options.Seed;
        _tune = c => c with
        {
            ElectionTick = 10, HeartbeatTick = heartbeat, MaxSizePerMessage = maxSize, MaxInflightMessages = maxInflight,
            PreVote = preVote, CheckQuorum = checkQuorum, RandomSeed = seed, Broken = options.Broken,
        };
        _setup = $"{_initialVoters} voters, drop {Network.DropRate}, dup {Network.DuplicateRate}, delay<={Network.MaxDelay}, " +
                 $"{(preVote ? "pre-vote" : "no pre-vote")}, {(checkQuorum ? "check-quorum" : "no check-quorum")}, " +
                 $"msg {maxSize}B, inflight {maxInflight}, heartbeat {heartbeat}" +
                 $"{(_partitions ? ", partitions" : "")}{(_crashes ? ", crashes" : "")}{(_snapshots ? ", snapshots" : "")}" +
                 $"{(_membership ? ", membership" : "")}{(_transfers ? ", transfers" : "")}{(_churn ? ", leader churn" : "")}";

        var conf = ConfState.OfVoters([.. Enumerable.Range(1, _initialVoters).Select(i => (ulong)i)]);
        for (var i = 1; i <= _initialVoters; i++) AddReplica((ulong)i, new MemoryStorage(conf));
        _nextReplicaId = (ulong)_initialVoters + 1;
    }

    public SafetyMonitor Monitor { get; }

    public SimNetwork Network { get; }

    public long Now { get; private set; }

    public SimulationResult Run()
    {
        string? violation = null, invariant = null;
        try
        {
            for (var i = 0; i < _options.ChaosSteps; i++) Step(chaos: true);
            CheckLiveness();
            CheckLinearizability();
        }
        catch (SafetyViolationException e)
        {
            violation = e.Message;
            invariant = e.Invariant;
        }
        catch (InvalidOperationException e)
        {
            // The core's own assertions (a commit beyond the log, a conflict below the commit index) are violations too.
            violation = $"core assertion: {e.Message}";
            invariant = "core assertion";
        }

        var stats = new SimulationStats(_setup, Now, Network.Sent, Monitor.Elections, Monitor.CommittedEntries, _crashCount,
            _partitionCount, _confChanges, _snapshotCount, _writes, _reads, _stepsToLeader);
        return new SimulationResult(_options.Seed, violation, invariant, stats);
    }

    private void Step(bool chaos)
    {
        Now++;
        if (chaos)
        {
            InjectFaults();
            if (_random.NextDouble() < _clientRate) IssueClientOperation();
        }

        foreach (var replica in _replicas.Values)
        {
            if (!replica.Up && !replica.Decommissioned && replica.DownUntil <= Now) Restart(replica);
        }

        foreach (var replica in _replicas.Values)
        {
            if (replica.Up && _random.NextDouble() < replica.TickRate) replica.Node.Tick();
        }

        foreach (var m in Network.Due(Now))
        {
            if (_replicas.TryGetValue(m.To, out var target) && target.Up) target.Node.Step(m);
        }

        HandleReadies();
    }

    private void HandleReadies()
    {
        foreach (var replica in _replicas.Values)
        {
            while (replica.Up && replica.Node.HasReady)
            {
                if (!replica.HandleReady(this)) OnCrashed(replica);
            }
        }
    }

    private void InjectFaults()
    {
        if (_partitions)
        {
            if (_healAt >= 0 && Now >= _healAt)
            {
                Network.Heal();
                _healAt = -1;
            }
            else if (_healAt < 0 && _random.NextDouble() < (_churn ? 0.05 : 0.01))
            {
                Partition();
            }
        }

        if (_crashes && _random.NextDouble() < _crashRate) CrashOne();
        if (_snapshots)
        {
            foreach (var replica in _replicas.Values)
            {
                if (replica.Up && _random.NextDouble() < 0.01) Compact(replica);
            }
        }

        if (_transfers && _random.NextDouble() < 0.004 && Leader() is { } leader)
        {
            var voters = leader.Node.ConfState.Voters.Where(v => v != leader.Id).ToList();
            if (voters.Count > 0) leader.Node.TransferLeadership(voters[_random.Next(voters.Count)]);
        }

        if (_membership && _random.NextDouble() < 0.008) ChangeMembership();
    }

    private void Partition()
    {
        _partitionCount++;
        var ids = _replicas.Keys.ToList();
        _healAt = Now + 10 + _random.Next(_maxOutage);
        switch (_churn ? 1 : _random.Next(3))
        {
            case 0:
            {
                // A random split, often cutting off the leader with a minority.
                var shuffled = ids.OrderBy(_ => _random.Next()).ToList();
                var cut = 1 + _random.Next(Math.Max(1, ids.Count / 2));
                Network.Split(shuffled.Take(cut).ToList(), shuffled.Skip(cut).ToList());
                break;
            }
            case 1:
            {
                var leader = Leader()?.Id ?? ids[_random.Next(ids.Count)];
                Network.Split([leader], ids.Where(i => i != leader).ToList());
                break;
            }
            default:
            {
                // One-way: a replica can send but not hear (or the reverse), the case that breaks naive failure detection.
                var a = ids[_random.Next(ids.Count)];
                foreach (var b in ids.Where(i => i != a))
                {
                    if (_random.Next(2) == 0) Network.Block(a, b);
                    else Network.Block(b, a);
                }

                break;
            }
        }
    }

    /// <summary>
    /// A leader was just elected, or just acknowledged writes. Under leader churn the nemesis sometimes cuts it off at
    /// that very moment, before it can tell anyone: what it sent and what is in flight to it is lost. These are the
    /// schedules that leave several terms' entries at one index (figure 8).
    /// </summary>
    public void OnLeaderMoment(SimReplica leader)
    {
        if (!_inChaos || !_churn || !_partitions || _healAt >= 0 || _random.NextDouble() >= 0.15) return;
        _partitionCount++;
        _healAt = Now + 10 + _random.Next(_maxOutage);
        Network.Split([leader.Id], _replicas.Keys.Where(i => i != leader.Id).ToList());
    }

    private void CrashOne()
    {
        var up = _replicas.Values.Where(r => r.Up).ToList();
        var down = _replicas.Values.Count(r => !r.Up && !r.Decommissioned);
        if (up.Count == 0 || down >= 2) return;
        var victim = _churn && Leader() is { } leader ? leader : up[_random.Next(up.Count)];
        victim.DownUntil = Now + 5 + _random.Next(_maxOutage);
        _crashCount++;
        if (_random.Next(2) == 0)
        {
            victim.Crash();
            OnCrashed(victim);
        }
        else
        {
            // Die in the middle of handling the next Ready.
            victim.PendingCrash = (CrashPoint)_random.Next(4);
        }
    }

    private void Restart(SimReplica replica)
    {
        Monitor.OnRestart(replica.Id, replica.Storage);
        replica.Restart();
    }

    private void Compact(SimReplica replica)
    {
        var applied = replica.Machine.AppliedIndex;
        if (applied <= replica.Storage.Snapshot().Metadata.Index || applied > replica.Storage.LastIndex) return;
        replica.Storage.CreateSnapshot(applied, replica.Node.ConfState, replica.Machine.TakeSnapshot());
        // Keep a few entries behind the snapshot now and then, so both catch-up paths get exercised.
        var keep = (ulong)_random.Next(4);
        replica.Storage.Compact(applied > keep ? applied - keep : applied);
        _snapshotCount++;
    }

    private void ChangeMembership()
    {
        if (Leader() is not { } leader) return;
        var conf = leader.Node.ConfState;
        var status = leader.Node.Status();
        var caughtUp = conf.Learners.FirstOrDefault(l =>
            status.Progress.TryGetValue(l, out var p) && p.Match >= leader.Node.Committed);
        if (caughtUp != 0)
        {
            // A learner joins the voters only once it has caught up.
            if (leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddNode, caughtUp))) _confChanges++;
            return;
        }

        var members = conf.Voters.Count + conf.Learners.Count;
        if (conf.Learners.Count == 0 && members < _initialVoters + 2 && (conf.Voters.Count <= 3 || _random.Next(2) == 0))
        {
            var id = _nextReplicaId++;
            if (leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, id)))
            {
                // The new replica starts empty, knowing no configuration; the leader's snapshot or log brings it in.
                AddReplica(id, new MemoryStorage());
                _confChanges++;
            }

            return;
        }

        if (conf.Voters.Count > 3)
        {
            var voters = conf.Voters.ToList();
            if (leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, voters[_random.Next(voters.Count)]))) _confChanges++;
        }
    }

    public void OnConfChangeApplied(ConfChange change)
    {
        // Once its removal is committed the replica is no longer needed by anyone: stop it for good.
        if (change.Type == ConfChangeType.RemoveNode && _replicas.TryGetValue(change.NodeId, out var removed) && !removed.Decommissioned)
        {
            removed.Decommissioned = true;
            if (removed.Up)
            {
                removed.Crash();
                OnCrashed(removed);
            }
        }
    }

    private void IssueClientOperation()
    {
        var up = _replicas.Values.Where(r => r.Up).ToList();
        // A bounded number of clients, each waiting for its answer: keeps the histories checkable.
        if (up.Count == 0 || _pendingWrites.Count + _pendingReads.Count >= MaxOutstandingOperations) return;
        var target = _random.NextDouble() < 0.7 && Leader() is { } leader ? leader : up[_random.Next(up.Count)];
        var id = _nextOperation++;
        var key = Keys[_random.Next(Keys.Length)];
        if (_random.NextDouble() < 0.6)
        {
            var op = new SimOperation(id, isWrite: true, key, $"v{id}", ++_events);
            if (!target.Node.Propose(KvMachine.Encode(id, key, op.Value!))) return; // refused: it never took effect
            _writes++;
            _history.Add(op);
            _pendingWrites[id] = (op, target.Id);
        }
        else
        {
            var op = new SimOperation(id, isWrite: false, key, null, ++_events);
            _pendingReads[id] = (op, target.Id);
            target.Node.ReadIndex(BitConverter.GetBytes(id));
        }

        HandleReadies();
    }

    public void OnWriteApplied(SimReplica replica, int operation)
    {
        if (_firstApplied.TryAdd(operation, ++_events)) _writeIndex[operation] = replica.Machine.AppliedIndex;
        if (!_pendingWrites.TryGetValue(operation, out var pending) || pending.Replica != replica.Id) return;
        pending.Op.CompletedAt = ++_events;
        _pendingWrites.Remove(operation);
    }

    public void OnReadServed(SimReplica replica, byte[] context)
    {
        var operation = BitConverter.ToInt32(context);
        if (!_pendingReads.TryGetValue(operation, out var pending) || pending.Replica != replica.Id) return;
        pending.Op.Value = replica.Machine.Get(pending.Op.Key);
        pending.Op.CompletedAt = ++_events;
        _pendingReads.Remove(operation);
        _history.Add(pending.Op);
        _reads++;
    }

    /// <summary>The client of a crashed replica never learns the outcome of what it asked there.</summary>
    private void OnCrashed(SimReplica replica)
    {
        foreach (var (id, pending) in _pendingWrites.Where(p => p.Value.Replica == replica.Id).ToList()) _pendingWrites.Remove(id);
        foreach (var (id, pending) in _pendingReads.Where(p => p.Value.Replica == replica.Id).ToList()) _pendingReads.Remove(id);
    }

    private void CheckLiveness()
    {
        _inChaos = false;
        _healAt = -1;
        Network.Heal();
        Network.DropRate = 0;
        Network.DuplicateRate = 0;
        foreach (var replica in _replicas.Values)
        {
            replica.PendingCrash = null;
            replica.DownUntil = 0;
        }

        var healedAt = Now;
        SimOperation? probe = null;
        long proposedAt = 0;
        for (var i = 0; i < _options.LivenessSteps; i++)
        {
            Step(chaos: false);
            var leader = Leader();
            if (leader is null) continue;
            if (_stepsToLeader < 0) _stepsToLeader = Now - healedAt;
            if (probe?.CompletedAt is null && (probe is null || Now - proposedAt > 40))
            {
                // Proposals can be lost with a leader; a client retries with a new operation.
                var id = _nextOperation++;
                probe = new SimOperation(id, isWrite: true, "a", $"v{id}", ++_events);
                if (leader.Node.Propose(KvMachine.Encode(id, "a", probe.Value!)))
                {
                    _history.Add(probe);
                    _pendingWrites[id] = (probe, leader.Id);
                    proposedAt = Now;
                    HandleReadies();
                }
                else
                {
                    probe = null;
                }
            }

            if (probe?.CompletedAt is not null)
            {
                var members = leader.Node.ConfState;
                var committed = leader.Node.Committed;
                var lagging = _replicas.Values.Where(r => members.Contains(r.Id) && r.Machine.AppliedIndex < committed).ToList();
                if (lagging.Count == 0) return;
            }
        }

        throw new SafetyViolationException("liveness",
            $"{_options.LivenessSteps} steps after healing: {(Leader() is { } l ? $"leader {l.Id} (term {l.Node.Term}) but the write did not commit on every member" : "no leader")}; " +
            string.Join("; ", _replicas.Values.Select(r => $"{r.Id}: {(r.Decommissioned ? "removed" : r.Up ? "up" : "down")} {r.Node.Role} t{r.Node.Term} applied {r.Machine.AppliedIndex} last {r.Node.LastIndex} {r.Node.ConfState}")));
    }

    private void CheckLinearizability()
    {
        // A write whose client never heard back took effect before the first replica applied it, or never: reads see
        // only applied state and the run is over, so a write no replica applied had no effect and leaves the history.
        _history.RemoveAll(op => op.IsWrite && op.CompletedAt is null && !_firstApplied.ContainsKey(op.Id));
        foreach (var op in _history)
        {
            if (op.IsWrite && op.CompletedAt is null) op.CompletedAt = _firstApplied[op.Id];
        }

        CheckNoStaleReads();
        var result = LinearizabilityChecker.Check(_history, new RegisterModel(), TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("KV_RAFT_CHECK_SECONDS") is { Length: > 0 } s ? int.Parse(s) : 10));
        if (result.Verdict == LinearizabilityVerdict.Unknown) throw new SafetyViolationException("linearizability undecided", result.ToString());
        if (!result.IsLinearizable) throw new SafetyViolationException("linearizability", result.ToString());
    }

    /// <summary>
    /// A fast, partial check before the full one, with a precise message: a read never returns a value older (in log
    /// order) than a write acknowledged before the read began.
    /// </summary>
    private void CheckNoStaleReads()
    {
        var indexOfValue = _history.Where(o => o.IsWrite && _writeIndex.ContainsKey(o.Id)).ToDictionary(o => o.Value!, o => _writeIndex[o.Id]);
        foreach (var read in _history.Where(o => !o.IsWrite))
        {
            var observed = read.Value is { } v ? indexOfValue.GetValueOrDefault(v) : 0;
            var latest = _history
                .Where(w => w.IsWrite && w.Key == read.Key && w.CompletedAt < read.InvokedAt && _writeIndex.ContainsKey(w.Id))
                .OrderByDescending(w => _writeIndex[w.Id]).FirstOrDefault();
            if (latest is not null && _writeIndex[latest.Id] > observed)
                throw new SafetyViolationException("linearizability",
                    $"stale read: {read} at [{read.InvokedAt}, {read.CompletedAt}] after {latest} (index {_writeIndex[latest.Id]}) was acknowledged at {latest.CompletedAt}; it saw the value of index {observed}");
        }
    }

    private SimReplica? Leader()
    {
        SimReplica? best = null;
        foreach (var replica in _replicas.Values)
        {
            if (replica.Up && replica.Node.Role == RaftRole.Leader && (best is null || replica.Node.Term > best.Node.Term)) best = replica;
        }

        return best;
    }

    private void AddReplica(ulong id, MemoryStorage storage)
    {
        var tickRate = 0.6 + 0.4 * _random.NextDouble();
        _replicas[id] = new SimReplica(id, storage, tickRate,
            (s, applied) => new RaftNode(_tune(new RaftConfig { Id = id, Storage = s, Applied = applied })));
    }

    private T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];
}
