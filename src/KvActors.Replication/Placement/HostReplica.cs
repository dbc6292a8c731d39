using System.Collections.Immutable;
using Akka.Actor;

namespace KvActors.Replication.Placement;

/// <summary>
/// A group's leader tells a node to start an empty replica of the group under <paramref name="ReplicaId"/>, which it
/// is about to add as a learner: the replica then receives the leader's snapshot and log. The node records the
/// replica (<see cref="HostedReplicas"/>) before starting it, so it comes back after a restart.
/// </summary>
/// <param name="Placed">The leader's placed replicas, so the new replica can answer them before any snapshot.</param>
public sealed record HostReplica(int Partition, ulong ReplicaId, ImmutableDictionary<ulong, Address> Placed);
