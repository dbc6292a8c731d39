using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using KvActors.Cluster.Raft;
using KvActors.Protocol;
using KvActors.Replication.Tests.Infrastructure;
using KvActors.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static KvActors.Replication.Tests.Infrastructure.ReplicaCluster;

namespace KvActors.Replication.Tests;

/// <summary>
/// Raft mode's routing on a real node: a one-replica group on this node's real replica, and a "former leader" at
/// an address where no process listens, so requests sent there are lost as they are with a killed node. Nothing
/// here depends on Akka.Cluster membership: the node is never a cluster member, as in the first seconds of a
/// cluster's life.
/// </summary>
public sealed class RaftPartitionsSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IAsyncLifetime
{
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _dir = new("kvactors-raft-routing");
    private ReplicaNode _node = null!;
    private RaftPartitions _partitions = null!;
    private ReplicaGroup _group = null!;

    public Task InitializeAsync()
    {
        // A cluster node, as every Raft node is, that never joins a cluster.
        _node = ReplicaNode.Start(_dir.Path, 0, ConfigurationFactory.ParseString("akka.actor.provider = cluster"));
        _group = new ReplicaGroup(0, new Dictionary<ulong, Address> { [1] = _node.Address });
        _partitions = new RaftPartitions(_node.System, [_group]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _dir.Dispose();
    }

    // What production wires (RaftPlacement): the watcher first, then the replicas.
    private void StartReplicas()
    {
        _node.System.ActorOf(RoutingWatcher.Props(_partitions), "routing-watcher");
        _node.StartHost(new ReplicationSettings(), [_group]);
    }

    private static Address DeadNode() => new("akka.tcp", KvAddress.SystemName, "127.0.0.1", FreePort.Find());

    [Fact]
    public async Task RaftPartitions_should_answer_a_write_waiting_on_a_replaced_leader_as_outcome_unknown_once_its_partition_elects_another()
    {
        _partitions.LeaderChanged(0, 1, DeadNode());
        var clock = Stopwatch.StartNew();
        var lost = _partitions.AskAsync(0, new Set("k", Bytes("lost")), TimeSpan.FromSeconds(60));
        Assert.False(lost.IsCompleted);

        StartReplicas();
        var reply = Assert.IsType<KvError>(await lost.WaitAsync(StartUp));
        Assert.Equal(ErrorCode.Unavailable, reply.Code);
        Assert.Contains(KvErrors.IfAWriteOutcomeUnknown, reply.Message);
        Assert.Equal(_node.Address, _partitions.LeaderOf(0));
        Output?.WriteLine($"answered after {clock.Elapsed.TotalSeconds:0.00}s: {reply.Message}");

        Assert.IsType<Written>(await _partitions.AskAsync(0, new Set("k", Bytes("next")), TimeSpan.FromSeconds(10)));
        var found = Assert.IsType<Found>(await _partitions.AskAsync(0, new Get("k"), TimeSpan.FromSeconds(10)));
        Assert.Equal("next", Text(found.Value));
    }

    [Fact]
    public async Task RaftPartitions_should_send_a_read_waiting_on_a_replaced_leader_on_to_the_new_one()
    {
        StartReplicas();
        await AwaitAssertAsync(async () => Assert.IsType<Written>(await _partitions.AskAsync(0, new Set("k", Bytes("v")), TimeSpan.FromSeconds(5))),
            StartUp, TimeSpan.FromMilliseconds(50));
        var term = (await _node.StateAsync()).Term;

        // An older term's news changes nothing; the same term's does (a leader can be learned from a refusal first).
        _partitions.LeaderChanged(0, term - 1, DeadNode());
        Assert.Equal(_node.Address, _partitions.LeaderOf(0));
        var dead = DeadNode();
        _partitions.LeaderChanged(0, term, dead);
        var read = _partitions.AskAsync(0, new Get("k"), TimeSpan.FromSeconds(60));
        Assert.False(read.IsCompleted);
        _partitions.LeaderChanged(0, term + 1, _node.Address);

        var found = Assert.IsType<Found>(await read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("v", Text(found.Value));
    }

    [Fact]
    public async Task RaftPartitions_should_stop_believing_a_silent_leader_after_its_patience_and_find_the_real_one()
    {
        StartReplicas();
        await AwaitAssertAsync(async () => Assert.IsType<Written>(await _partitions.AskAsync(0, new Set("k", Bytes("v")), TimeSpan.FromSeconds(5))),
            StartUp, TimeSpan.FromMilliseconds(50));
        // Wrong news nothing will correct: the real leader's term does not change again.
        _partitions.LeaderChanged(0, (await _node.StateAsync()).Term, DeadNode());

        var clock = Stopwatch.StartNew();
        var reply = Assert.IsType<KvError>(await _partitions.AskAsync(0, new Set("k", Bytes("lost")), TimeSpan.FromSeconds(60)));
        Assert.Equal(ErrorCode.Timeout, reply.Code);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15));

        Assert.IsType<Written>(await _partitions.AskAsync(0, new Set("k", Bytes("next")), TimeSpan.FromSeconds(10)));
        Assert.Equal(_node.Address, _partitions.LeaderOf(0));
    }
}
