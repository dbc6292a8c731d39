using BenchmarkDotNet.Attributes;
using KvActors.Raft;

namespace KvActors.MicroBench;

/// <summary>
/// The Raft core alone: proposals committed per second through three in-memory replicas with an instant network.
/// Each invocation proposes a batch of small entries to the leader, then handles every Ready (persist to memory,
/// deliver messages, apply) until all three replicas have applied the batch. The figure per operation is per entry,
/// so entries/s = 1 s / the reported mean. Issue 15's target is 500,000 entries/s.
/// </summary>
[MemoryDiagnoser]
public class RaftBenchmarks
{
    private readonly byte[] _payload = new byte[16];
    private readonly Queue<Message> _network = new();
    private (RaftNode Node, MemoryStorage Storage)[] _replicas = null!;
    private RaftNode _leader = null!;

    [Params(1000)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var founders = ConfState.OfVoters(1, 2, 3);
        _replicas = [.. new ulong[] { 1, 2, 3 }.Select(id =>
        {
            var storage = new MemoryStorage(founders);
            return (new RaftNode(new RaftConfig { Id = id, Storage = storage, RandomSeed = (int)id }), storage);
        })];
        for (var tick = 0; tick < 1000 && !_replicas.Any(r => r.Node.Role == RaftRole.Leader); tick++)
        {
            foreach (var (node, _) in _replicas) node.Tick();
            Settle();
        }

        _leader = _replicas.Single(r => r.Node.Role == RaftRole.Leader).Node;
    }

    [Benchmark(Description = "Raft core: propose + replicate + commit + apply, 3 replicas, per entry")]
    public ulong ProposeBatch()
    {
        for (var i = 0; i < Batch; i++) _leader.Propose(_payload);
        Settle();
        return _leader.Committed;
    }

    [IterationCleanup]
    public void Compact()
    {
        foreach (var (node, storage) in _replicas) storage.Compact(node.Applied);
    }

    private void Settle()
    {
        while (true)
        {
            foreach (var (node, storage) in _replicas)
            {
                while (node.HasReady)
                {
                    var ready = node.Ready();
                    foreach (var m in ready.Messages) _network.Enqueue(m);
                    if (ready.Snapshot is { } snapshot) storage.ApplySnapshot(snapshot);
                    storage.Append(ready.Entries);
                    if (ready.HardState is { } hardState) storage.SetHardState(hardState);
                    foreach (var m in ready.MessagesAfterPersist) _network.Enqueue(m);
                    node.Advance();
                }
            }

            if (_network.Count == 0) return;
            while (_network.TryDequeue(out var m)) _replicas[m.To - 1].Node.Step(m);
        }
    }
}
