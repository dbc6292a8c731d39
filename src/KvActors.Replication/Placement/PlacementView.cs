using Akka.Actor;
using KvActors.Raft;

namespace KvActors.Replication.Placement;

/// <summary>One node's replicas and what each sees of its group, for the placement controller.</summary>
/// <param name="Node">The node answering.</param>
/// <param name="Draining">The node is leaving the cluster for good (<c>kv cluster leave</c>): its replicas must go.</param>
/// <param name="Replicas">Every replica running on the node.</param>
public sealed record PlacementView(Address Node, bool Draining, IReadOnlyList<ReplicaView> Replicas);

/// <summary>One replica's view of its group.</summary>
/// <param name="Leading">Whether it leads its group: then its view is the group's latest.</param>
/// <param name="Members">The membership it has applied.</param>
/// <param name="Nodes">The node of each member.</param>
public sealed record ReplicaView(int Partition, ulong ReplicaId, bool Leading, ulong Term, ConfState Members, IReadOnlyDictionary<ulong, Address> Nodes);
