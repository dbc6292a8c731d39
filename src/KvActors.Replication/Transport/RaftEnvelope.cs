namespace KvActors.Replication.Transport;

/// <summary>
/// Every Raft message one node had for another at a flush, of every group they share: one remoting message per
/// node pair per flush instead of one per replica pair per message, so a hundred groups chatting cost about as
/// many frames as one.
/// </summary>
public sealed record RaftEnvelope(IReadOnlyList<PartitionRaftMessage> Messages);
