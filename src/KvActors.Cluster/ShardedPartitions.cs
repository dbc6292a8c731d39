using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server.Partition;
using KvActors.Server.Routing;

namespace KvActors.Cluster;

/// <summary>
/// Cluster mode: partitions are entities of a shard region, which delivers each envelope to the node hosting the
/// partition (starting the partition there if it is not running) and unwraps it for the <see cref="PartitionHost"/>.
/// A request sent to a node that then dies is lost with it, so every request waits here for its reply (an ask), and
/// when a node is removed from the cluster the requests to the partitions it hosted are answered at once as of
/// unknown outcome instead of each waiting out its caller's timeout (<see cref="NodeRemoved"/>, from
/// <see cref="PartitionLocator"/>, which also keeps <see cref="Homes"/> current).
/// </summary>
public sealed class ShardedPartitions(IActorRef region, int partitions) : IPartitions
{
    // Longer than any caller's own timeout: only bounds the life of an ask whose reply never comes.
    private static readonly TimeSpan AskLimit = TimeSpan.FromSeconds(60);

    // One cancellation per partition for the requests in flight to it; replaced once used.
    private readonly CancellationTokenSource[] _inFlight = Enumerable.Range(0, partitions).Select(_ => new CancellationTokenSource()).ToArray();
    private volatile IReadOnlyDictionary<int, Address> _homes = new Dictionary<int, Address>();

    /// <summary>The node hosting each partition, as last seen.</summary>
    public IReadOnlyDictionary<int, Address> Homes
    {
        get => _homes;
        set => _homes = value;
    }

    public void Tell(int partition, IKvRequest request, IActorRef sender) =>
        AskAsync(partition, request, AskLimit).PipeTo(sender);

    public async Task<IKvReply> AskAsync(int partition, IKvRequest request, TimeSpan timeout)
    {
        var cancellation = Volatile.Read(ref _inFlight[partition]).Token;
        try
        {
            return await region.Ask<IKvReply>(new PartitionEnvelope(partition, request), timeout, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return KvErrors.LostInFlight($"the node hosting partition {partition} left the cluster before answering");
        }
    }

    /// <summary>Answers every request in flight to a partition that <paramref name="node"/> hosted.</summary>
    public void NodeRemoved(Address node)
    {
        foreach (var (partition, home) in _homes)
        {
            if (!home.Equals(node)) continue;
            var used = Interlocked.Exchange(ref _inFlight[partition], new CancellationTokenSource());
            used.Cancel();
            used.Dispose();
        }
    }
}
