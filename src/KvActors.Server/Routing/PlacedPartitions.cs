using Akka.Actor;

namespace KvActors.Server.Routing;

/// <summary>What an <see cref="IPartitionPlacement"/> gives the front.</summary>
/// <param name="Connect">
/// Called once by the front as it starts serving: partitions hosted under the front become its children, so they
/// stop with it.
/// </param>
/// <param name="HostedHere">Partitions that must serve on this node before it is ready (none where a cluster places them).</param>
/// <param name="Membership">The actor answering cluster membership requests; null on a single node.</param>
public sealed record PlacedPartitions(Func<IActorContext, IPartitions> Connect, int HostedHere, IActorRef? Membership = null);
