using BenchmarkDotNet.Attributes;
using KvActors.Raft;

namespace KvActors.MicroBench;

/// <summary>
/// The Raft core alone: entries committed per second through three in-memory replicas with an instant network.
/// Each invocation proposes <see cref="Entries"/> small (16-byte) entries to the leader, <see cref="PerProposal"/> at a
/// time (1: one proposal per entry; 100: batches, as a host's group commit proposes them), handling every Ready
/// (persist to memory, deliver messages, apply) after each proposal, until all three replicas have applied them; then
/// snapshots and compacts the log as a host would. The figure per operation is per entry: entries/s = 1 s / mean.
/// Issue 15's target is 500,000 entries/s.
/// </summary>
[MemoryDiagnoser]
public class RaftBenchmarks
{
    private const int Entries = 10_000;
    private readonly Queue<Message> _network = new();
    private (RaftNode Node, MemoryStorage Storage)[] _replicas = null!;
    private RaftNode _leader = null!;
    private byte[][] _batch = null!;

    [Params(1, 100)]
    public int PerProposal { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _batch = [.. Enumerable.Range(0, PerProposal).Select(_ => new byte[16])];
        var founders = ConfState.OfVoters(1, 2, 3);
        _replicas = [.. new ulong[] { 1, 2, 3 }.Select(id =>
        {
            var storage = new MemoryStorage(founders);
            return (new RaftNode(new RaftConfig { Id = id, Storage = storage, RandomSeed = 42 }), storage);
        })];
        for (var tick = 0; tick < 1000 && !_replicas.Any(r => r.Node.Role == RaftRole.Leader); tick++)
        {
            foreach (var (node, _) in _replicas) node.Tick();
            Settle();
        }

        _leader = _replicas.Single(r => r.Node.Role == RaftRole.Leader).Node;
    }

    [Benchmark(Description = "Raft core: propose + replicate + commit + apply, 3 replicas, per entry", OperationsPerInvoke = Entries)]
    public ulong Propose()
    {
        for (var i = 0; i < Entries / PerProposal; i++)
        {
            if (PerProposal == 1) _leader.Propose(_batch[0]);
            else _leader.Propose(_batch);
            Settle();
        }

        // As a host would: snapshot the applied state (empty here), then drop the log behind it.
        foreach (var (node, storage) in _replicas)
        {
            storage.CreateSnapshot(node.Applied, node.ConfState, []);
            storage.Compact(node.Applied);
        }

        return _leader.Committed;
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
