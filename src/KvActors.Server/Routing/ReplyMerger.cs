using KvActors.Protocol;

namespace KvActors.Server.Routing;

/// <summary>Combines the replies of the partitions a request was scattered to into the one reply the caller gets.</summary>
internal static class ReplyMerger
{
    /// <summary>
    /// One page in global key order from one page per partition. A partition with more to come bounds the page: keys
    /// past its last one may still exist there, so only keys up to the smallest such bound are safe to return.
    /// </summary>
    public static IKvReply Scans(IReadOnlyList<IKvReply> replies, int limit, int byteBudget)
    {
        if (FirstError(replies) is { } error) return error;
        var pages = replies.Cast<ScanPage>().ToArray();
        var bound = pages.Where(p => p.NextCursor is not null).Select(p => p.NextCursor!).Min(StringComparer.Ordinal);
        var candidates = pages.SelectMany(p => p.Entries)
            .Where(e => bound is null || StringComparer.Ordinal.Compare(e.Key, bound) <= 0)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToArray();

        var entries = new List<KvEntry>(Math.Min(limit, candidates.Length));
        var bytes = 0;
        foreach (var entry in candidates)
        {
            var size = entry.Value.Length + System.Text.Encoding.UTF8.GetByteCount(entry.Key);
            if (entries.Count == limit || (entries.Count > 0 && bytes + size > byteBudget)) break;
            entries.Add(entry);
            bytes += size;
        }

        var more = entries.Count < candidates.Length || bound is not null;
        return new ScanPage(entries, more && entries.Count > 0 ? entries[^1].Key : null, pages.Sum(p => p.StoreRevision));
    }

    public static IKvReply Stats(IReadOnlyList<IKvReply> replies)
    {
        if (FirstError(replies) is { } error) return error;
        var stats = replies.Cast<StoreStats>().ToArray();
        return new StoreStats(
            stats.Sum(s => s.Keys),
            stats.Sum(s => s.Revision),
            stats.Sum(s => s.JournalSequenceNr),
            stats.Sum(s => s.SnapshotSequenceNr),
            stats[0].DataDirectory,
            stats.Max(s => s.Uptime),
            stats.Length)
        {
            Recoveries = stats.SelectMany(s => s.Recoveries).OrderBy(r => r.Partition).ToArray(),
        };
    }

    /// <summary>Each partition offers one of its keys; the seed picks among those that have one.</summary>
    public static IKvReply RandomKeys(IReadOnlyList<IKvReply> replies, int seed)
    {
        if (FirstError(replies) is { } error) return error;
        var keys = replies.Cast<RandomKeyResult>().Where(r => r.Key is not null).ToArray();
        return keys.Length == 0 ? new RandomKeyResult(null) : keys[(int)((uint)seed % (uint)keys.Length)];
    }

    /// <summary>Clear is not atomic across partitions: a partition that failed is reported, the others are cleared.</summary>
    public static IKvReply Clears(IReadOnlyList<IKvReply> replies) =>
        FirstError(replies) ?? (IKvReply)new Deleted(replies.Cast<Deleted>().Sum(d => d.Revision));

    private static KvError? FirstError(IReadOnlyList<IKvReply> replies) => replies.OfType<KvError>().FirstOrDefault();
}
