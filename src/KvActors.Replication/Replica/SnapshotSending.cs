using KvActors.Raft;
using KvActors.Replication.Transport;

namespace KvActors.Replication.Replica;

/// <summary>
/// A leader's snapshots on their way to followers, in pieces of at most <paramref name="chunkBytes"/> so each fits a
/// remoting frame: one piece in flight per follower, the next once the last is acknowledged (remoting's buffers never
/// hold a whole state). A transfer with no acknowledgement for <paramref name="patience"/> is given up; the core then
/// probes the follower again and sends a snapshot anew if it still needs one. Time is passed in.
/// </summary>
internal sealed class SnapshotSending(int partition, long chunkBytes, TimeSpan patience)
{
    private readonly Dictionary<ulong, Transfer> _transfers = [];

    public int InFlight => _transfers.Count;

    /// <summary>Starts sending <paramref name="message"/>'s snapshot (replacing any transfer to the same follower);
    /// returns the first piece.</summary>
    public SnapshotChunk Start(Message message, DateTimeOffset now)
    {
        var snapshot = message.Snapshot ?? throw new ArgumentException("not a snapshot message", nameof(message));
        var transfer = new Transfer(message with { Snapshot = snapshot with { Data = [] } }, snapshot.Data, now);
        _transfers[message.To] = transfer;
        return transfer.ChunkAt(partition, 0, chunkBytes);
    }

    /// <summary>The next piece after <paramref name="ack"/>; <paramref name="finished"/> when the follower holds all of it.</summary>
    public SnapshotChunk? OnAck(SnapshotChunkAck ack, DateTimeOffset now, out bool finished)
    {
        finished = false;
        if (!_transfers.TryGetValue(ack.From, out var transfer) || transfer.Header.Snapshot!.Metadata.Index != ack.Index) return null;
        transfer.LastHeard = now;
        if (ack.Received >= transfer.Data.Length)
        {
            _transfers.Remove(ack.From);
            finished = true;
            return null;
        }

        return transfer.ChunkAt(partition, ack.Received, chunkBytes);
    }

    /// <summary>Followers whose transfer went unacknowledged too long; forgotten here.</summary>
    public IReadOnlyList<ulong> Expired(DateTimeOffset now)
    {
        var expired = _transfers.Where(t => now - t.Value.LastHeard > patience).Select(t => t.Key).ToArray();
        foreach (var to in expired) _transfers.Remove(to);
        return expired;
    }

    public void Clear() => _transfers.Clear();

    private sealed class Transfer(Message header, byte[] data, DateTimeOffset started)
    {
        public Message Header { get; } = header;

        public byte[] Data { get; } = data;

        public DateTimeOffset LastHeard { get; set; } = started;

        public SnapshotChunk ChunkAt(int partition, long offset, long chunkBytes)
        {
            var length = (int)Math.Min(chunkBytes, Data.Length - offset);
            return new SnapshotChunk(partition, Header, offset, Data.Length, Data.AsSpan((int)offset, length).ToArray());
        }
    }
}
