using Akka.Actor;
using KvActors.Raft;
using System.Collections.Immutable;
using KvActors.Journal;
using KvActors.Replication.Joining;
using KvActors.Replication.Placement;
using KvActors.Replication.Replica;
using KvActors.Replication.Serialization;
using KvActors.Replication.Transport;
using KvActors.Protocol;
using Xunit;

namespace KvActors.Replication.Tests;

/// <summary>Every replication type crosses the wire and the journal through RaftSerializer, field for field.</summary>
public sealed class RaftSerializerSpec : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("raft-serializer", ReplicationConfig.Default.WithFallback(ProtocolConfig.Default));

    public void Dispose() => _system.Dispose();

    private static readonly Snapshot SomeSnapshot = new(new SnapshotMetadata(9, 3, new ConfState([1, 2, 3], [4])), [1, 2, 3]);

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<RaftSerializer>(serializer);
        var manifest = ((RaftSerializer)serializer).Manifest(message);
        return (T)_system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
    }

    [Fact]
    public void RaftSerializer_should_carry_every_field_of_every_message_kind_in_an_envelope()
    {
        var kinds = Enum.GetValues<MessageType>().Where(t => t >= MessageType.Append).ToArray();
        var messages = kinds.Select((type, i) => new PartitionRaftMessage(i, new Message
        {
            Type = type, From = 1, To = 2, Term = 7, LogTerm = 6, Index = 41, Commit = 40, Reject = i % 2 == 0, RejectHint = 39,
            Entries = [new Entry(6, 42, EntryType.Normal, [9, 8]), new Entry(7, 43, EntryType.ConfChange, new ConfChange(ConfChangeType.AddLearner, 4).Encode())],
            Snapshot = i % 3 == 0 ? SomeSnapshot : null,
            Context = i % 2 == 0 ? [5, 5] : null,
            LeaderTransfer = i % 2 == 1,
        })).ToArray();

        var back = RoundTrip(new RaftEnvelope(messages));

        Assert.Equal(messages.Length, back.Messages.Count);
        for (var i = 0; i < messages.Length; i++) AssertSame(messages[i], back.Messages[i]);
    }

    [Fact]
    public void RaftSerializer_should_carry_a_joining_nodes_messages()
    {
        Assert.Same(GetBootstrapState.Instance, RoundTrip(GetBootstrapState.Instance));
        var state = RoundTrip(new BootstrapState(true, true, [1, 2, 3 + ReplicaGroup.IncarnationStride * 29_000_000]));
        Assert.Equal((true, true), (state.Ready, state.Active));
        Assert.Equal([1UL, 2, 3 + ReplicaGroup.IncarnationStride * 29_000_000], state.Members);
        var notReady = RoundTrip(BootstrapState.NotReady);
        Assert.Equal((false, false), (notReady.Ready, notReady.Active));
        Assert.Empty(notReady.Members);
        Assert.Equal(new JoinGroup(7, 1003), RoundTrip(new JoinGroup(7, 1003)));
    }

    [Fact]
    public void RaftSerializer_should_carry_placements_messages()
    {
        var node = new Address("akka.tcp", "kv", "127.0.0.1", 4711);
        var other = new Address("akka.tcp", "kv", "10.0.0.2", 4712);
        Assert.Same(GetPlacementView.Instance, RoundTrip(GetPlacementView.Instance));

        var view = RoundTrip(new PlacementView(node, true,
            [new ReplicaView(3, 5000, true, 9, new ConfState([1, 2], [5000]), new Dictionary<ulong, Address> { [1] = node, [5000] = other })]));
        Assert.Equal((node, true), (view.Node, view.Draining));
        var replica = Assert.Single(view.Replicas);
        Assert.Equal((3, 5000UL, true, 9UL), (replica.Partition, replica.ReplicaId, replica.Leading, replica.Term));
        Assert.Equal([1UL, 2], replica.Members.Voters.Order().ToArray());
        Assert.Equal([5000UL], replica.Members.Learners);
        Assert.Equal(other, replica.Nodes[5000]);

        Assert.Equal(new MoveReplica(2, 3, other, "lost"), RoundTrip(new MoveReplica(2, 3, other, "lost")));
        Assert.Equal(new MoveReplica(2, 3, null, "shrink"), RoundTrip(new MoveReplica(2, 3, null, "shrink")));
        var host = RoundTrip(new HostReplica(2, 7000, ImmutableDictionary<ulong, Address>.Empty.Add(7000, other)));
        Assert.Equal((2, 7000UL, other), (host.Partition, host.ReplicaId, host.Placed[7000]));
        Assert.Equal(new DropReplica(4, 2), RoundTrip(new DropReplica(4, 2)));
        Assert.Equal(new BalanceLeader(4, 7000, "why"), RoundTrip(new BalanceLeader(4, 7000, "why")));
    }

    [Fact]
    public void A_membership_change_should_carry_its_context_and_a_snapshot_the_nodes_of_placed_replicas()
    {
        var change = new ConfChange(ConfChangeType.AddLearner, 7000, "akka.tcp://kv@10.0.0.2:4712"u8.ToArray());
        var back = ConfChange.Decode(change.Encode());
        Assert.Equal((change.Type, change.NodeId), (back.Type, back.NodeId));
        Assert.Equal(change.Context, back.Context);
        Assert.Null(ConfChange.Decode(new ConfChange(ConfChangeType.RemoveNode, 3).Encode()).Context);

        var codec = new StateCodec(_system);
        var state = new StoreSnapshot(12, []);
        var node = new Address("akka.tcp", "kv", "10.0.0.2", 4712);
        // Without placed replicas the data is the state alone, as before placement, and still reads.
        Assert.Empty(codec.DecodeSnapshot(codec.EncodeSnapshot(state)).Placed);
        Assert.Equal(12, codec.DecodeSnapshot(codec.EncodeSnapshot(state)).State.Revision);
        var (decoded, placed) = codec.DecodeSnapshot(codec.EncodeSnapshot(state, new Dictionary<ulong, Address> { [7000] = node }));
        Assert.Equal(12, decoded.Revision);
        Assert.Equal(node, placed[7000]);
    }

    [Fact]
    public void RaftSerializer_should_carry_a_snapshot_piece_and_its_acknowledgement()
    {
        var header = new Message { Type = MessageType.Snapshot, From = 1, To = 1003, Term = 4, Snapshot = SomeSnapshot with { Data = [] } };
        var chunk = RoundTrip(new SnapshotChunk(5, header, 2048, 9000, [7, 8, 9]));
        Assert.Equal((5, 2048L, 9000L), (chunk.Partition, chunk.Offset, chunk.Total));
        Assert.Equal([7, 8, 9], chunk.Bytes);
        AssertSame(new PartitionRaftMessage(5, header), new PartitionRaftMessage(5, chunk.Header));
        Assert.Equal(new SnapshotChunkAck(5, 1003, 1, 9, 4096), RoundTrip(new SnapshotChunkAck(5, 1003, 1, 9, 4096)));
    }

    [Fact]
    public void RaftSerializer_should_carry_a_log_write_and_a_not_leader_reply()
    {
        var written = new RaftLogWritten([new Entry(2, 5, EntryType.Normal, [1]), new Entry(2, 6, EntryType.Normal, [])], new HardState(2, 1, 4), SomeSnapshot);
        var back = RoundTrip(written);
        Assert.Equal(written.HardState, back.HardState);
        Assert.Equal(written.Entries.Select(Describe), back.Entries.Select(Describe));
        Assert.Equal(Describe(written.Snapshot!), Describe(back.Snapshot!));
        Assert.Null(RoundTrip(written with { Snapshot = null }).Snapshot);

        Assert.Equal(new NotLeader(3, 2, "akka.tcp://kv@127.0.0.1:4053"), RoundTrip(new NotLeader(3, 2, "akka.tcp://kv@127.0.0.1:4053")));
        Assert.Equal(new NotLeader(3, 0, null), RoundTrip(new NotLeader(3, 0, null)));
    }

    [Fact]
    public void RaftSerializer_should_carry_a_replica_snapshot_with_its_hard_state_and_log_tail()
    {
        var snapshot = new ReplicaSnapshot(SomeSnapshot, new HardState(3, 2, 11), [new Entry(3, 10, EntryType.Normal, [4]), new Entry(3, 11, EntryType.ConfChange, [])]);

        var back = RoundTrip(snapshot);

        Assert.Equal(Describe(snapshot.Raft), Describe(back.Raft));
        Assert.Equal(snapshot.HardState, back.HardState);
        Assert.Equal(snapshot.Tail.Select(Describe), back.Tail.Select(Describe));
        Assert.Empty(RoundTrip(snapshot with { Tail = [] }).Tail);
    }

    private static void AssertSame(PartitionRaftMessage expected, PartitionRaftMessage actual)
    {
        Assert.Equal(expected.Partition, actual.Partition);
        var (e, a) = (expected.Message, actual.Message);
        Assert.Equal(e with { Entries = [], Snapshot = null, Context = null }, a with { Entries = [], Snapshot = null, Context = null });
        Assert.Equal(e.Entries.Select(Describe), a.Entries.Select(Describe));
        Assert.Equal(e.Snapshot is null ? null : Describe(e.Snapshot), a.Snapshot is null ? null : Describe(a.Snapshot));
        Assert.Equal(e.Context, a.Context);
    }

    private static string Describe(Entry entry) => $"{entry.Index}@{entry.Term} {entry.Type} {Convert.ToHexString(entry.Data)}";

    private static string Describe(Snapshot snapshot) =>
        $"{snapshot.Metadata.Index}@{snapshot.Metadata.Term} {snapshot.Metadata.ConfState} {Convert.ToHexString(snapshot.Data)}";
}
