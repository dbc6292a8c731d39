using KvActors.Raft;

namespace KvActors.Replication.Transport;

/// <summary>
/// One piece of a snapshot too large for one remoting frame, from a leader to the replica <c>Header.To</c> of
/// <paramref name="Partition"/>. <paramref name="Header"/> is the Raft snapshot message with its data left out; the
/// receiver gathers <paramref name="Total"/> bytes, piece by piece in order, and then steps the whole message.
/// </summary>
public sealed record SnapshotChunk(int Partition, Message Header, long Offset, long Total, byte[] Bytes);
