using KvActors.Raft;

namespace KvActors.Replication.Transport;

/// <summary>From a replica to its node's host: messages for the other replicas of its group.</summary>
internal sealed record OutgoingRaftMessages(int Partition, IReadOnlyList<Message> Messages);
