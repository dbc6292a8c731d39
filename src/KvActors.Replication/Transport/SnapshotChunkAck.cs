namespace KvActors.Replication.Transport;

/// <summary>The receiver of a chunked snapshot (<paramref name="From"/>) holds its first <paramref name="Received"/>
/// bytes: the leader (<paramref name="To"/>) sends the next piece.</summary>
public sealed record SnapshotChunkAck(int Partition, ulong From, ulong To, ulong Index, long Received);
