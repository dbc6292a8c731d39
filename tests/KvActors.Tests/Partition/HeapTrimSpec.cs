using KvActors.Server.Partition;
using Xunit;

namespace KvActors.Tests.Partition;

public sealed class HeapTrimSpec
{
    // The only spec that reaches HeapTrim.MinimumKeys in this process, so no other trim shares its quiet period.
    [Fact]
    public void HeapTrim_should_follow_only_big_snapshots_and_then_stay_quiet_for_a_while()
    {
        Assert.Null(HeapTrim.AfterSnapshotOf(HeapTrim.MinimumKeys - 1));

        var gen2Before = GC.CollectionCount(2);
        var took = HeapTrim.AfterSnapshotOf(HeapTrim.MinimumKeys);
        Assert.NotNull(took);
        Assert.True(GC.CollectionCount(2) > gen2Before, "a trim is a full collection");

        Assert.Null(HeapTrim.AfterSnapshotOf(HeapTrim.MinimumKeys));
    }
}
