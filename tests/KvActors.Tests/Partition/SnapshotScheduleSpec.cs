using KvActors.Server.Partition;
using Xunit;

namespace KvActors.Tests.Partition;

public sealed class SnapshotScheduleSpec
{
    [Theory]
    [InlineData(9, 10, 0, false)]       // a small partition: every snapshot-every changes
    [InlineData(10, 10, 0, true)]
    [InlineData(10, 10, 7, true)]
    [InlineData(10, 10, 25, false)]     // a larger one waits for as many changes as its last snapshot held keys
    [InlineData(24, 10, 25, false)]
    [InlineData(25, 10, 25, true)]
    [InlineData(49_999, 50_000, 1_000_000, false)]
    [InlineData(999_999, 50_000, 1_000_000, false)]
    [InlineData(1_000_000, 50_000, 1_000_000, true)]
    public void SnapshotSchedule_should_wait_for_snapshot_every_changes_and_as_many_as_the_last_snapshot_had_keys(
        long changes, int every, long keysAtLast, bool due) =>
        Assert.Equal(due, SnapshotSchedule.IsDue(changes, every, keysAtLast));
}
