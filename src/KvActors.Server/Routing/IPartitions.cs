using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Server.Routing;

/// <summary>
/// How the front reaches a partition: its own child hosts on a single node, a shard region in a cluster. Either
/// way the reply goes from the partition's store straight to the given sender.
/// </summary>
public interface IPartitions
{
    void Tell(int partition, IKvRequest request, IActorRef sender);

    Task<IKvReply> AskAsync(int partition, IKvRequest request, TimeSpan timeout);
}
