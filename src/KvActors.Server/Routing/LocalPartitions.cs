using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Server.Routing;

/// <summary>Single-node mode: one <see cref="PartitionHost"/> per partition, children of the front.</summary>
public sealed class LocalPartitions(IReadOnlyList<IActorRef> hosts) : IPartitions
{
    public void Tell(int partition, IKvRequest request, IActorRef sender) => hosts[partition].Tell(request, sender);

    public Task<IKvReply> AskAsync(int partition, IKvRequest request, TimeSpan timeout) =>
        hosts[partition].Ask<IKvReply>(request, timeout);
}
