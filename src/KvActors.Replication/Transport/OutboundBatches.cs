using Akka.Actor;
using KvActors.Raft;

namespace KvActors.Replication.Transport;

/// <summary>
/// Raft messages waiting for the next flush, per destination node. A flush turns each node's messages into
/// envelopes of at most a byte budget (a single larger message still goes, alone), in the order they came: Raft
/// tolerates loss and reordering, but in-order delivery keeps a follower from rejecting appends needlessly.
/// </summary>
internal sealed class OutboundBatches(long maxEnvelopeBytes)
{
    // Beyond entry payloads: ids, terms, indexes and framing; a rough figure is enough for a budget.
    private const long MessageOverheadBytes = 64;
    private const long EntryOverheadBytes = 32;

    private readonly Dictionary<Address, List<PartitionRaftMessage>> _waiting = [];

    public bool IsEmpty => _waiting.Count == 0;

    public void Add(Address node, PartitionRaftMessage message)
    {
        if (!_waiting.TryGetValue(node, out var list)) _waiting[node] = list = [];
        list.Add(message);
    }

    /// <summary>Takes everything waiting, as envelopes per node.</summary>
    public List<(Address Node, RaftEnvelope Envelope)> Flush()
    {
        var envelopes = new List<(Address, RaftEnvelope)>();
        foreach (var (node, messages) in _waiting)
        {
            var current = new List<PartitionRaftMessage>();
            long bytes = 0;
            foreach (var message in messages)
            {
                var size = SizeOf(message.Message);
                if (current.Count > 0 && bytes + size > maxEnvelopeBytes)
                {
                    envelopes.Add((node, new RaftEnvelope(current)));
                    current = [];
                    bytes = 0;
                }

                current.Add(message);
                bytes += size;
            }

            envelopes.Add((node, new RaftEnvelope(current)));
        }

        _waiting.Clear();
        return envelopes;
    }

    private static long SizeOf(Message message)
    {
        var bytes = MessageOverheadBytes + (message.Context?.Length ?? 0) + (message.Snapshot?.Data.Length ?? 0);
        foreach (var entry in message.Entries) bytes += EntryOverheadBytes + entry.Data.Length;
        return bytes;
    }
}
