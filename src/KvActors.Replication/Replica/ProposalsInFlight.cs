using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Replication.Replica;

/// <summary>
/// A leader's proposed log entries not yet applied, by index, with the replies owed once they are: an entry is
/// ours if the one applied at its index has the term we proposed it in. Several may be in flight (pipelining).
/// </summary>
internal sealed class ProposalsInFlight
{
    private readonly Dictionary<ulong, (ulong Term, List<(IActorRef Caller, IKvReply Reply)> Replies)> _byIndex = [];

    public int Count => _byIndex.Count;

    public void Add(ulong index, ulong term, List<(IActorRef Caller, IKvReply Reply)> replies) => _byIndex[index] = (term, replies);

    /// <summary>The replies owed for the entry applied at <paramref name="index"/>, if we proposed one there;
    /// <c>Ours</c> is false when another leader's entry took that place (ours was never committed).</summary>
    public (List<(IActorRef Caller, IKvReply Reply)> Replies, bool Ours)? TakeApplied(ulong index, ulong term)
    {
        if (!_byIndex.Remove(index, out var proposal)) return null;
        return (proposal.Replies, proposal.Term == term);
    }

    /// <summary>Every caller still waiting, removed unanswered.</summary>
    public List<IActorRef> Drain()
    {
        var callers = _byIndex.Values.SelectMany(p => p.Replies).Select(r => r.Caller).ToList();
        _byIndex.Clear();
        return callers;
    }
}
