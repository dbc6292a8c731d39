using KvActors.Raft;
using KvActors.Replication.Replica;
using Xunit;

namespace KvActors.Replication.Tests;

/// <summary>The pieces of a snapshot too large for one frame: sent one at a time, gathered in order, given up on when
/// the follower falls silent.</summary>
public sealed class SnapshotChunkingSpec
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    private static Message SnapshotMessage(byte[] data, ulong index = 40) => new()
    {
        Type = MessageType.Snapshot, From = 1, To = 3, Term = 5,
        Snapshot = new Snapshot(new SnapshotMetadata(index, 4, ConfState.OfVoters(1, 2, 3)), data),
    };

    [Fact]
    public void A_snapshot_should_arrive_whole_after_every_piece_is_acknowledged_in_turn()
    {
        var data = Enumerable.Range(0, 2500).Select(i => (byte)i).ToArray();
        var sending = new SnapshotSending(partition: 7, chunkBytes: 1000, TimeSpan.FromSeconds(10));
        var receiving = new SnapshotReceiving();

        var chunk = sending.Start(SnapshotMessage(data), Now);
        Assert.Empty(chunk.Header.Snapshot!.Data);
        var pieces = 0;
        Message? complete = null;
        var finished = false;
        while (chunk is not null)
        {
            pieces++;
            var (ack, whole) = receiving.Take(chunk);
            complete ??= whole;
            chunk = sending.OnAck(ack!, Now, out finished);
        }

        Assert.Equal(3, pieces);
        Assert.True(finished);
        Assert.Equal(0, sending.InFlight);
        Assert.Equal(data, complete!.Snapshot!.Data);
        Assert.Equal((1UL, 3UL, 40UL), (complete.From, complete.To, complete.Snapshot.Metadata.Index));
    }

    [Fact]
    public void A_piece_out_of_turn_should_be_dropped_unacknowledged_and_a_first_piece_should_start_over()
    {
        var sending = new SnapshotSending(7, 1000, TimeSpan.FromSeconds(10));
        var receiving = new SnapshotReceiving();
        var first = sending.Start(SnapshotMessage(new byte[2500]), Now);
        var (ack, _) = receiving.Take(first);
        var second = sending.OnAck(ack!, Now, out _)!;

        Assert.Null(receiving.Take(second with { Offset = 2000 }).Ack); // a gap
        Assert.Null(receiving.Take(second with { Header = second.Header with { Snapshot = second.Header.Snapshot! with { Metadata = second.Header.Snapshot.Metadata with { Index = 41 } } } }).Ack);
        Assert.Equal(1000, receiving.Take(first).Ack!.Received); // a new transfer replaces the old
    }

    [Fact]
    public void A_transfer_the_follower_stops_acknowledging_should_be_given_up_after_the_patience()
    {
        var sending = new SnapshotSending(7, 1000, TimeSpan.FromSeconds(10));
        sending.Start(SnapshotMessage(new byte[2500]), Now);
        Assert.Empty(sending.Expired(Now.AddSeconds(9)));
        Assert.Equal([3UL], sending.Expired(Now.AddSeconds(11)));
        Assert.Equal(0, sending.InFlight);
    }
}
