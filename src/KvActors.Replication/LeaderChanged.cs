using Akka.Actor;

namespace KvActors.Replication;

/// <summary>
/// Published on this node's event stream when a replica here sees its group's leader change (elected, lost, or a
/// new term with no leader yet). Routing on this node learns leaders from it without waiting for a request to be
/// refused, and without depending on cluster membership: the Raft groups know who leads before Akka.Cluster knows a
/// node is gone. Local only, never sent between nodes.
/// </summary>
/// <param name="Partition">The group's partition.</param>
/// <param name="Term">The term the leader was seen in.</param>
/// <param name="Leader">The leader's node, or null while no leader is known.</param>
public sealed record LeaderChanged(int Partition, ulong Term, Address? Leader);
