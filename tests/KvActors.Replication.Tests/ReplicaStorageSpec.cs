using KvActors.Raft;
using KvActors.Replication.Replica;
using Xunit;

namespace KvActors.Replication.Tests;

/// <summary>Replaying a replica's journal events rebuilds exactly the log that was durable, truncations included.</summary>
public sealed class ReplicaStorageSpec
{
    private static Entry E(ulong index, ulong term) => new(term, index, EntryType.Normal, [(byte)index, (byte)term]);

    [Fact]
    public void ReplicaStorage_should_replace_the_log_from_the_first_entry_of_a_write_so_that_replay_rebuilds_a_truncation()
    {
        var storage = new ReplicaStorage(ConfState.OfVoters(1, 2, 3));
        storage.Write(new RaftLogWritten([E(2, 2), E(3, 2), E(4, 2), E(5, 2)], new HardState(2, 1, 3)));
        // A new leader of term 3 overwrote the uncommitted entries from index 4 on.
        storage.Write(new RaftLogWritten([E(4, 3)], new HardState(3, 2, 3)));
        storage.Write(new RaftLogWritten([E(5, 3)], new HardState(3, 2, 5)));

        Assert.Equal(5UL, storage.Raft.LastIndex);
        Assert.Equal([2UL, 2, 3, 3], storage.Raft.Entries(2, 6, long.MaxValue).Select(e => e.Term));
        Assert.Equal(new HardState(3, 2, 5), storage.Raft.InitialState().HardState);
        Assert.Equal(ConfState.OfVoters(1, 2, 3), storage.Raft.InitialState().ConfState);
    }

    [Fact]
    public void ReplicaStorage_should_drop_the_log_behind_a_snapshot_from_the_leader()
    {
        var storage = new ReplicaStorage(ConfState.OfVoters(1, 2, 3));
        storage.Write(new RaftLogWritten([E(2, 2), E(3, 2)], new HardState(2, 1, 2)));
        var snapshot = new Snapshot(new SnapshotMetadata(10, 4, ConfState.OfVoters(1, 2, 3)), [7]);
        storage.Write(new RaftLogWritten([], new HardState(4, 0, 10), snapshot));

        Assert.Equal((11UL, 10UL), (storage.Raft.FirstIndex, storage.Raft.LastIndex));
        Assert.Equal(snapshot, storage.Raft.Snapshot());
    }

    [Fact]
    public void ReplicaStorage_should_start_from_a_saved_snapshot_with_its_tail_and_let_later_events_replace_that_tail()
    {
        var storage = new ReplicaStorage(ConfState.OfVoters(1, 2, 3));
        var raft = new Snapshot(new SnapshotMetadata(10, 2, ConfState.OfVoters(1, 2, 3)), [7]);
        storage.Restore(new ReplicaSnapshot(raft, new HardState(2, 1, 10), [E(11, 2), E(12, 2)]));
        // A later event: a new leader overwrote the unapplied tail from 12 on; its entries at or below 10 are covered.
        storage.Write(new RaftLogWritten([E(9, 2), E(10, 2), E(11, 2), E(12, 3)], new HardState(3, 2, 11)));

        Assert.Equal((11UL, 12UL), (storage.Raft.FirstIndex, storage.Raft.LastIndex));
        Assert.Equal([2UL, 3], storage.Raft.Entries(11, 13, long.MaxValue).Select(e => e.Term));
        Assert.Equal(new HardState(3, 2, 11), storage.Raft.HardState);
        Assert.Equal(raft, storage.Raft.Snapshot());
    }
}
