namespace KvActors.Server.Partition;

/// <summary>
/// When a partition takes its next snapshot: once <c>snapshot-every</c> changes have been journalled since the last
/// one, and not before as many changes as that snapshot held keys. A snapshot copies every key, so with the second
/// rule its cost per change stays at most one key however large the partition grows (with only the first, a
/// million-key partition copied twenty keys per write at the default 50,000), while the journal behind the latest
/// snapshot, which a restart replays, stays no longer than the data itself. Redis rewrites its append-only file by
/// the same rule (auto-aof-rewrite-percentage 100).
/// </summary>
public static class SnapshotSchedule
{
    public static bool IsDue(long changesSinceSnapshot, int snapshotEvery, long keysAtLastSnapshot) =>
        changesSinceSnapshot >= Math.Max(snapshotEvery, keysAtLastSnapshot);
}
