using Akka.Actor;
using KvActors.Protocol;
using KvActors.Raft;

namespace KvActors.Replication.Replica;

/// <summary>
/// A leader's answers that read its state and must be linearizable: reads, and decisions that changed nothing (a
/// failed compare-and-set). Each waits for a ReadIndex round (the leader confirms with a quorum that it still leads
/// and learns the commit index), then for its state machine to apply that far. All answers that arrive between two
/// rounds share the next one.
/// </summary>
internal sealed class PendingReads
{
    private readonly List<PendingRead> _unsent = [];
    private readonly Dictionary<ulong, List<PendingRead>> _awaitingIndex = [];
    private readonly List<(ulong Index, PendingRead Read)> _awaitingApply = [];
    private ulong _lastContext;

    /// <summary>A read to evaluate (<paramref name="Query"/>), or an answer already decided
    /// (<paramref name="Decided"/>) that may leave once applied to at least <paramref name="MinApplied"/>.</summary>
    public sealed record PendingRead(IActorRef Caller, IKvQuery? Query, IKvReply? Decided, ulong MinApplied);

    public bool HasUnsent => _unsent.Count > 0;

    public void Add(PendingRead read) => _unsent.Add(read);

    /// <summary>Groups the reads not yet sent under a new ReadIndex context, which this returns.</summary>
    public byte[] SendUnsent()
    {
        var context = ++_lastContext;
        _awaitingIndex[context] = [.. _unsent];
        _unsent.Clear();
        return BitConverter.GetBytes(context);
    }

    public void OnReadState(ReadState state)
    {
        if (state.Context.Length != sizeof(ulong)) return;
        if (!_awaitingIndex.Remove(BitConverter.ToUInt64(state.Context), out var reads)) return;
        foreach (var read in reads) _awaitingApply.Add((Math.Max(state.Index, read.MinApplied), read));
    }

    /// <summary>The reads that may be answered once <paramref name="applied"/> is applied, removed.</summary>
    public List<PendingRead> TakeReady(ulong applied)
    {
        var ready = new List<PendingRead>();
        for (var i = 0; i < _awaitingApply.Count; i++)
        {
            if (_awaitingApply[i].Index > applied) continue;
            ready.Add(_awaitingApply[i].Read);
            _awaitingApply.RemoveAt(i--);
        }

        return ready;
    }

    /// <summary>Every caller still waiting, removed unanswered.</summary>
    public List<IActorRef> Drain()
    {
        var callers = _unsent.Select(r => r.Caller)
            .Concat(_awaitingIndex.Values.SelectMany(reads => reads).Select(r => r.Caller))
            .Concat(_awaitingApply.Select(r => r.Read.Caller))
            .ToList();
        _unsent.Clear();
        _awaitingIndex.Clear();
        _awaitingApply.Clear();
        return callers;
    }
}
