using Akka.Actor;
using KvActors.Raft;
using KvActors.Replication.Transport;
using Xunit;

namespace KvActors.Replication.Tests;

/// <summary>A flush sends one envelope per destination node, whatever the groups, unless the byte budget splits it.</summary>
public sealed class OutboundBatchesSpec
{
    private static readonly Address NodeA = new("akka.tcp", "kv", "127.0.0.1", 4001);
    private static readonly Address NodeB = new("akka.tcp", "kv", "127.0.0.1", 4002);

    private static PartitionRaftMessage Append(int partition, int payloadBytes) => new(partition, new Message
    {
        Type = MessageType.Append, From = 1, To = 2, Entries = [new Entry(1, 2, EntryType.Normal, new byte[payloadBytes])],
    });

    [Fact]
    public void OutboundBatches_should_send_one_envelope_per_node_holding_every_group_in_order()
    {
        var batches = new OutboundBatches(maxEnvelopeBytes: 1 << 20);
        for (var partition = 0; partition < 100; partition++)
        {
            batches.Add(NodeA, Append(partition, 10));
            batches.Add(NodeB, Append(partition, 10));
        }

        var envelopes = batches.Flush();

        Assert.Equal(new[] { NodeA, NodeB }, envelopes.Select(e => e.Node).OrderBy(a => a.Port));
        Assert.All(envelopes, e => Assert.Equal(Enumerable.Range(0, 100), e.Envelope.Messages.Select(m => m.Partition)));
        Assert.True(batches.IsEmpty);
        Assert.Empty(batches.Flush());
    }

    [Fact]
    public void OutboundBatches_should_split_a_node_s_messages_at_the_byte_budget_and_send_a_larger_one_alone()
    {
        var batches = new OutboundBatches(maxEnvelopeBytes: 1000);
        batches.Add(NodeA, Append(0, 400));
        batches.Add(NodeA, Append(1, 400));
        batches.Add(NodeA, Append(2, 5000));
        batches.Add(NodeA, Append(3, 10));

        var envelopes = batches.Flush();

        Assert.Equal(new[] { new[] { 0, 1 }, new[] { 2 }, new[] { 3 } }, envelopes.Select(e => e.Envelope.Messages.Select(m => m.Partition).ToArray()).ToArray());
    }
}
