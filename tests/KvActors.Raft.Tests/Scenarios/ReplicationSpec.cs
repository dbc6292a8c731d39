using KvActors.Raft;
using Xunit;

namespace KvActors.Raft.Tests.Scenarios;

/// <summary>Log replication: durability before acknowledgement, back-off, flow control, snapshots.</summary>
public sealed class ReplicationSpec
{
    [Fact]
    public void A_follower_acknowledges_entries_only_after_they_are_durable()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster[1].Node.Propose("z"u8.ToArray());
        var leaderReady = cluster[1].Node.Ready();
        // The leader's appends may leave before its own write completes...
        var append = Assert.Single(leaderReady.Messages, m => m.To == 2);
        Assert.Equal(MessageType.Append, append.Type);
        cluster[2].Node.Step(append);
        var followerReady = cluster[2].Node.Ready();
        // ...but the follower's acknowledgement waits for its write.
        Assert.DoesNotContain(followerReady.Messages, m => m.Type == MessageType.AppendResponse);
        Assert.Contains(followerReady.MessagesAfterPersist, m => m.Type == MessageType.AppendResponse && !m.Reject);
        Assert.Single(followerReady.Entries);
    }

    [Fact]
    public void A_batch_proposal_becomes_consecutive_entries_sent_in_one_append_per_follower()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Delivered.Clear();
        Assert.True(cluster[1].Node.Propose([.. Enumerable.Range(0, 5).Select(i => System.Text.Encoding.UTF8.GetBytes($"b{i}"))]));
        cluster.Settle();
        Assert.Equal(1, cluster.Delivered.Count(m => m.Type == MessageType.Append && m.To == 2 && m.Entries.Count > 0));
        var batch = cluster.Delivered.Single(m => m.Type == MessageType.Append && m.To == 2 && m.Entries.Count > 0).Entries;
        Assert.Equal(["b0", "b1", "b2", "b3", "b4"], batch.Select(e => System.Text.Encoding.UTF8.GetString(e.Data)));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => batch[0].Index + (ulong)i), batch.Select(e => e.Index));
        foreach (var id in new ulong[] { 1, 2, 3 }) Assert.Equal(["b0", "b1", "b2", "b3", "b4"], cluster.AppliedPayloads(id).TakeLast(5));
    }

    [Fact]
    public void A_leader_skips_a_conflicting_suffix_of_an_older_term_in_few_round_trips()
    {
        var cluster = new TestCluster(3, c => c with { MaxSizePerMessage = 1, CheckQuorum = false });
        // 3 leads term 2 alone and piles up 30 entries no one else has.
        cluster.Campaign(3);
        cluster.Isolate(3);
        for (var i = 0; i < 30; i++) cluster.Propose(3, $"stale {i}");
        // 1 and 2 go on: 1 commits 30 entries in term 3, then 2 leads term 4 and probes 3 from its own last index.
        cluster.Campaign(1);
        for (var i = 0; i < 30; i++) cluster.Propose(1, $"fresh {i}");
        cluster.Campaign(2);
        cluster.Delivered.Clear();
        cluster.Heal();
        cluster.TickAll(2);
        // One step back per entry would take about 30 rejections; the term hints take one or two.
        var rejections = cluster.Delivered.Count(m => m.Type == MessageType.AppendResponse && m.From == 3 && m.Reject);
        Assert.InRange(rejections, 1, 2);
        Assert.Equal(cluster.AppliedPayloads(1), cluster.AppliedPayloads(3));
        Assert.DoesNotContain(cluster.AppliedPayloads(3), p => p.StartsWith("stale"));
    }

    [Fact]
    public void A_leader_keeps_at_most_the_inflight_cap_of_appends_unacknowledged()
    {
        var cluster = new TestCluster(3, c => c with { MaxInflightMessages = 2 });
        cluster.Campaign(1);
        cluster.Propose(1, "warm-up");
        cluster.CutOneWay(2, 1);
        cluster.Delivered.Clear();
        for (var i = 0; i < 10; i++) cluster.Propose(1, $"e{i}");
        Assert.Equal(2, cluster.Delivered.Count(m => m.Type == MessageType.Append && m.To == 2 && m.Entries.Count > 0));
        Assert.Equal(10, cluster.Delivered.Count(m => m.Type == MessageType.Append && m.To == 3 && m.Entries.Count > 0));
    }

    [Fact]
    public void A_leader_caps_the_bytes_of_entries_in_one_append()
    {
        var cluster = new TestCluster(3, c => c with { MaxSizePerMessage = 200 });
        cluster.Campaign(1);
        cluster.Isolate(2);
        for (var i = 0; i < 20; i++) cluster.Propose(1, new string('v', 50));
        cluster.Delivered.Clear();
        cluster.Heal();
        cluster.TickAll();
        var appends = cluster.Delivered.Where(m => m.Type == MessageType.Append && m.To == 2 && m.Entries.Count > 0).ToList();
        Assert.True(appends.Count >= 5, $"{appends.Count} appends");
        Assert.All(appends, m => Assert.True(m.Entries.Count <= 2));
        Assert.Equal(cluster.AppliedPayloads(1), cluster.AppliedPayloads(2));
    }

    [Fact]
    public void A_follower_behind_the_leaders_compacted_log_catches_up_from_a_snapshot()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(3);
        for (var i = 0; i < 10; i++) cluster.Propose(1, $"e{i}");
        var leader = cluster[1];
        var applied = leader.Node.Applied;
        leader.Storage.CreateSnapshot(applied, leader.Node.ConfState, "state"u8.ToArray());
        leader.Storage.Compact(applied);
        cluster.Delivered.Clear();
        cluster.Heal();
        cluster.TickAll(2);
        var snapshot = Assert.Single(cluster.Delivered, m => m.Type == MessageType.Snapshot).Snapshot!;
        Assert.Equal(applied, snapshot.Metadata.Index);
        Assert.Equal(applied, cluster[3].Storage.Snapshot().Metadata.Index);
        Assert.Equal(applied, cluster[3].Node.Applied);
        cluster.Propose(1, "after");
        Assert.Equal(["after"], cluster.AppliedPayloads(3));
    }

    [Fact]
    public void A_restarted_replica_keeps_its_term_vote_and_log_from_storage_and_loses_nothing_committed()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        var before = cluster[2].Node.Status();
        cluster[2].Restart();
        var after = cluster[2].Node.Status();
        Assert.Equal(before.HardState, after.HardState);
        Assert.Equal(before.LastIndex, after.LastIndex);
        cluster.TickAll();
        Assert.Equal(["a", "b"], cluster.AppliedPayloads(2));
    }
}
