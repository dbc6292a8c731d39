using KvActors.Protocol;
using KvActors.Server.Partitioning;

namespace KvActors.Server.Routing;

/// <summary>
/// Decides where a validated request goes, without doing any of it (pure, so it is tested without actors and
/// reused unchanged when the partitions live on other nodes):
/// <list type="bullet">
/// <item>single-key requests, and multi-key ones whose keys share a partition, go to that partition whole;</item>
/// <item>a request that names keys of several partitions and must be applied as one (every <see cref="Batch"/>,
/// all-or-nothing or not, and a <see cref="Rename"/>) is refused with <see cref="ErrorCode.CrossPartition"/>, as
/// Redis Cluster refuses it with CROSSSLOT. It is never split: a batch is one atomic journal write in one
/// partition, and pieces in several partitions would each be durable on their own, so a crash between them
/// would leave the batch torn (MULTI/EXEC, DEL k1 k2, the native <c>Batch</c> all arrive here);</item>
/// <item>whole-store requests (scan, stats, random key, clear) go to every partition and are merged.</item>
/// </list>
/// Reads across partitions (MGET, EXISTS k1 k2) are independent single-key requests, each routed on its own.
/// </summary>
public sealed class RequestRouter(PartitionMap map, int scanPageBytes)
{
    private static readonly Route Only = new Route.ToPartition(0);

    public Route Plan(IKvRequest request)
    {
        if (request is ReadBackup backup) return ToNamedPartition(backup.Partition);
        if (request is StaleRead stale) return StaleEverywhere(Plan(stale.Query));
        if (map.Count == 1) return Only;
        return request switch
        {
            Scan => Everywhere(request, replies => ReplyMerger.Scans(replies, ((Scan)request).Limit, scanPageBytes)),
            GetStats => Everywhere(request, ReplyMerger.Stats),
            RandomKey random => Everywhere(request, replies => ReplyMerger.RandomKeys(replies, random.Seed)),
            Clear => Everywhere(request, ReplyMerger.Clears),
            _ => PartitionOf(request) is { } partition ? new Route.ToPartition(partition) : CrossPartition(request),
        };
    }

    /// <summary>The one partition every key of the request maps to; null if they span several (or all).</summary>
    private int? PartitionOf(IKvRequest request)
    {
        switch (request)
        {
            case Rename rename:
                var from = map.PartitionOf(rename.Key);
                return from == map.PartitionOf(rename.NewKey) ? from : null;
            case IKeyedRequest keyed:
                return map.PartitionOf(keyed.Key);
            case Batch batch:
                int? common = null;
                foreach (var inner in batch.Requests)
                {
                    var partition = PartitionOf(inner);
                    if (partition is null || (common is not null && common != partition)) return null;
                    common = partition;
                }

                return common ?? 0;
            default:
                return null; // whole-store requests span every partition
        }
    }

    // A request that names its partition (a backup reads each partition in turn).
    private Route ToNamedPartition(int partition) => partition < map.Count
        ? new Route.ToPartition(partition)
        : new Route.Refused(new KvError(ErrorCode.InvalidArgument, $"partition {partition} does not exist; this data has {map.Count}"));

    private Route Everywhere(IKvRequest request, Func<IReadOnlyList<IKvReply>, IKvReply> gather) =>
        new Route.Scatter(Enumerable.Range(0, map.Count).Select(p => new Route.Part(p, request)).ToArray(), gather);

    // A stale read goes where its query goes; a whole-store query's every part is read stale too.
    private static Route StaleEverywhere(Route route) => route is Route.Scatter scatter
        ? scatter with { Parts = scatter.Parts.Select(p => p with { Request = new StaleRead((IKvQuery)p.Request) }).ToArray() }
        : route;

    private static Route CrossPartition(IKvRequest request) => new Route.Refused(new KvError(ErrorCode.CrossPartition,
        $"{request.GetType().Name} must be atomic but its keys are in different partitions; give them a common {{tag}}"));
}
