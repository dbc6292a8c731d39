using KvActors.Raft;
using KvActors.Replication.Transport;

namespace KvActors.Replication.Replica;

/// <summary>
/// A follower gathering a chunked snapshot (<see cref="SnapshotChunk"/>): pieces must come in order; a first piece
/// starts over (a new transfer replaces an unfinished one), a piece that does not continue the transfer under way is
/// dropped unacknowledged, and the leader gives up on it after its patience. The last piece yields the whole Raft
/// message, for the core to step like any snapshot.
/// </summary>
internal sealed class SnapshotReceiving
{
    private Message? _header;
    private byte[] _data = [];
    private long _received;

    /// <summary>Takes a piece; returns the acknowledgement to send (null if dropped) and, once complete, the message.</summary>
    public (SnapshotChunkAck? Ack, Message? Complete) Take(SnapshotChunk chunk)
    {
        var index = chunk.Header.Snapshot?.Metadata.Index ?? 0;
        if (chunk.Offset == 0)
        {
            if (chunk.Total > Array.MaxLength) return (null, null);
            _header = chunk.Header;
            _data = new byte[chunk.Total];
            _received = 0;
        }
        else if (_header is null || _header.From != chunk.Header.From || _header.Snapshot!.Metadata.Index != index || chunk.Offset != _received)
        {
            return (null, null);
        }

        if (chunk.Offset + chunk.Bytes.Length > _data.Length) return (null, null);
        chunk.Bytes.CopyTo(_data.AsSpan((int)chunk.Offset));
        _received += chunk.Bytes.Length;
        var ack = new SnapshotChunkAck(chunk.Partition, chunk.Header.To, chunk.Header.From, index, _received);
        if (_received < _data.Length) return (ack, null);

        var complete = _header with { Snapshot = _header.Snapshot! with { Data = _data } };
        _header = null;
        _data = [];
        _received = 0;
        return (ack, complete);
    }
}
