namespace KvActors.Raft;

/// <summary>
/// ReadIndex: a linearizable read without writing to the log. The leader notes its commit index, confirms with one
/// heartbeat round that it still leads (no newer leader can have committed anything it lacks), and answers with that
/// index; the host reads once it has applied that far.
/// </summary>
internal sealed partial class Raft
{
    private readonly ReadIndexQueue _reads = new();

    // Reads that arrived before this leader committed an entry of its own term: until then its commit index may lag
    // what earlier leaders committed.
    private readonly List<Message> _readsWaitingForCommitInTerm = [];

    public List<ReadState> ReadStates { get; } = [];

    private byte[]? LastPendingReadContext => _config.ReadOnlyOption == ReadOnlyOption.Safe ? _reads.LastContext : null;

    private void ResetReads()
    {
        _reads.Clear();
        _readsWaitingForCommitInTerm.Clear();
    }

    private void HandleReadIndex(Message m)
    {
        if (Tracker.Voters.Count == 1 && Tracker.IsVoter(Id))
        {
            RespondToRead(m, Log.Committed);
            return;
        }

        if (!CommittedEntryInCurrentTerm)
        {
            _readsWaitingForCommitInTerm.Add(m);
            return;
        }

        if (_config.ReadOnlyOption == ReadOnlyOption.LeaseBased)
        {
            // Trusts check-quorum's lease: no other leader can exist within it if clocks drift little.
            RespondToRead(m, Log.Committed);
            return;
        }

        _reads.Add(Log.Committed, m, Id);
        BroadcastHeartbeat();
    }

    private void ReleaseReadsWaitingForCommitInTerm()
    {
        var waiting = _readsWaitingForCommitInTerm.ToList();
        _readsWaitingForCommitInTerm.Clear();
        foreach (var m in waiting) HandleReadIndex(m);
    }

    private void AcknowledgeRead(ulong from, byte[] context)
    {
        if (_config.ReadOnlyOption != ReadOnlyOption.Safe) return;
        if (_reads.Ack(from, context, Tracker.IsVoter) < Tracker.Quorum) return;
        foreach (var read in _reads.Release(context)) RespondToRead(read.Request, read.Index);
    }

    private void RespondToRead(Message request, ulong index)
    {
        var context = request.Context ?? [];
        if (request.From == Id) ReadStates.Add(new ReadState(index, context));
        else Send(new Message { Type = MessageType.ReadIndexResponse, To = request.From, Index = index, Context = context });
    }
}
