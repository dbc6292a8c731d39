using Akka.Actor;
using KvActors.Replication.Placement;

namespace KvActors.Replication.Replica;

/// <summary>Local, leader replica to its host: send <paramref name="Host"/> to <paramref name="Node"/>'s host.</summary>
internal sealed record PlaceReplica(Address Node, HostReplica Host);
