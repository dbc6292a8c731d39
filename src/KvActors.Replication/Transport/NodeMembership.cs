using Akka.Actor;

namespace KvActors.Replication.Transport;

/// <summary>
/// Local, from the cluster membership to the node's <see cref="ReplicationHost"/>: <paramref name="Node"/> was
/// removed from the cluster (it left, or was downed as dead): its process is gone, so nothing is sent there until a
/// new process at that address joins (<see cref="NodeJoined"/>). Dialling a node while it restarts made both ends
/// dial each other at once, and classic remoting then at times left the pair hearing each other one way only
/// (RaftRollingRestartSpec); a restarted node dials its peers itself when it joins, and Raft traffic then shares that
/// connection.
/// </summary>
public sealed record NodeRemoved(Address Node);

/// <summary>Local: a process at <paramref name="Node"/> is joining or up: Raft traffic goes there again.</summary>
public sealed record NodeJoined(Address Node);
