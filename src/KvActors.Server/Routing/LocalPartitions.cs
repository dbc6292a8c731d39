using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server.Partition;

namespace KvActors.Server.Routing;

/// <summary>Single-node mode: one <see cref="PartitionHost"/> per partition, children of the front.</summary>
public sealed class LocalPartitions : IPartitions
{
    private readonly IReadOnlyList<IActorRef> _hosts;

    private LocalPartitions(IReadOnlyList<IActorRef> hosts)
    {
        _hosts = hosts;
    }

    /// <summary>Starts the hosts as children of <paramref name="front"/>.</summary>
    public static LocalPartitions StartHosts(IActorContext front, StoreSettings store, int count) =>
        new(Enumerable.Range(0, count)
            .Select(p => front.ActorOf(PartitionHost.Props(store with { PartitionId = p }), $"partition-{p}"))
            .ToArray());

    public void Tell(int partition, IKvRequest request, IActorRef sender) => _hosts[partition].Tell(request, sender);

    public Task<IKvReply> AskAsync(int partition, IKvRequest request, TimeSpan timeout) =>
        _hosts[partition].Ask<IKvReply>(request, timeout);
}
