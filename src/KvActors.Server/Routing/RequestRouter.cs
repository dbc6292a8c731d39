using KvActors.Protocol;
using KvActors.Server.Partitioning;

namespace KvActors.Server.Routing;

/// <summary>
/// Decides where a validated request goes, without doing any of it (pure, so it is tested without actors and
/// reused unchanged when the partitions live on other nodes):
/// <list type="bullet">
/// <item>single-key requests, and multi-key ones whose keys share a partition, go to that partition whole;</item>
/// <item>atomic requests across partitions (an all-or-nothing batch, a rename) are refused with
/// <see cref="ErrorCode.CrossPartition"/>, as Redis Cluster refuses them with CROSSSLOT;</item>
/// <item>non-atomic batches are split per partition and their replies put back in request order;</item>
/// <item>whole-store requests (scan, stats, random key, clear) go to every partition and are merged.</item>
/// </list>
/// </summary>
public sealed class RequestRouter(PartitionMap map, int scanPageBytes)
{
    private static readonly Route Only = new Route.ToPartition(0);

    public Route Plan(IKvRequest request)
    {
        if (map.Count == 1) return Only;
        return request switch
        {
            Batch { AllOrNothing: false } batch => PlanBatch(batch),
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

    private Route PlanBatch(Batch batch)
    {
        if (PartitionOf(batch) is { } single) return new Route.ToPartition(single);

        // Group the requests by partition, keeping their order within each group (a key's requests stay in order).
        var groups = new SortedDictionary<int, List<int>>();
        var replies = new IKvReply?[batch.Requests.Count];
        for (var i = 0; i < batch.Requests.Count; i++)
        {
            if (PartitionOf(batch.Requests[i]) is not { } partition)
            {
                replies[i] = CrossPartitionError(batch.Requests[i]);
                continue;
            }

            if (!groups.TryGetValue(partition, out var indexes)) groups[partition] = indexes = [];
            indexes.Add(i);
        }

        var positions = groups.Values.ToArray();
        var parts = groups.Select(g => new Route.Part(g.Key, new Batch(g.Value.Select(i => batch.Requests[i]).ToArray())))
            .ToArray();
        return new Route.Scatter(parts, partReplies => ReplyMerger.Batches(partReplies, positions, replies));
    }

    private Route Everywhere(IKvRequest request, Func<IReadOnlyList<IKvReply>, IKvReply> gather) =>
        new Route.Scatter(Enumerable.Range(0, map.Count).Select(p => new Route.Part(p, request)).ToArray(), gather);

    private static Route CrossPartition(IKvRequest request) => new Route.Refused(CrossPartitionError(request));

    private static KvError CrossPartitionError(IKvRequest request) => new(ErrorCode.CrossPartition,
        $"{request.GetType().Name} must be atomic but its keys are in different partitions; give them a common {{tag}}");
}
