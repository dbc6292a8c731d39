using KvActors.Raft;
using Xunit;

namespace KvActors.Raft.Tests.Scenarios;

/// <summary>The commit rule: what a leader may count as committed, and what a cut-off leader can never commit.</summary>
public sealed class CommitRuleSpec
{
    private static RaftConfig PaperRules(RaftConfig c) => c with { PreVote = false, CheckQuorum = false, MaxSizePerMessage = 1 };

    /// <summary>
    /// The paper's figure 8 on five replicas: an entry of term 2 held by a majority under the leader of term 4 is not
    /// committed, because the replica that leads term 3 holds another entry there and can still win term 5.
    /// </summary>
    private static TestCluster Figure8(Func<RaftConfig, RaftConfig> configure)
    {
        var cluster = new TestCluster(5, configure);
        // (a) 1 leads term 2 and gets "x" (index 3, term 2) onto 2 only.
        cluster.Campaign(1);
        Assert.Equal(2UL, cluster[1].Node.Term);
        cluster.Cut(1, 3);
        cluster.Cut(1, 4);
        cluster.Cut(1, 5);
        cluster.Propose(1, "x");
        Assert.Equal(3UL, cluster[2].Node.LastIndex);
        // (b) 1 fails; 5 leads term 3 with votes of 3 and 4, but its no-op (index 3, term 3) reaches no one.
        cluster.Heal();
        cluster.Isolate(1);
        cluster.DropIf(m => m.From == 5 && m.Type == MessageType.Append);
        cluster.Cut(5, 2);
        cluster.Campaign(5);
        Assert.Equal(RaftRole.Leader, cluster[5].Node.Role);
        Assert.Equal(3UL, cluster[5].Node.Term);
        // (c) 5 fails; 1 comes back, leads term 4 and copies "x" to 3 and 4, but its own no-op (index 4) is lost.
        cluster.Heal();
        cluster.Isolate(5);
        cluster.DropIf(m => m.From == 1 && m.Type == MessageType.Append && m.Entries.Any(e => e.Term == 4) && cluster[m.To].Node.LastIndex >= 3);
        cluster[1].Restart();
        cluster.Campaign(1);
        cluster.Campaign(1);
        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);
        Assert.Equal(4UL, cluster[1].Node.Term);
        Assert.All(new ulong[] { 1, 2, 3, 4 }, id => Assert.Equal(2UL, cluster[id].Core.Log.Term(3)));
        return cluster;
    }

    [Fact]
    public void Leader_should_commit_only_entries_of_its_own_term_by_counting_replicas()
    {
        var cluster = Figure8(PaperRules);
        // Four of five hold "x", yet it is not committed: only an entry of term 4 held by a majority commits it.
        Assert.Equal(2UL, cluster[1].Node.Committed);
        Assert.DoesNotContain("x", cluster.AppliedPayloads(1));
        // (d) 1 fails; 5 (last term 3) wins term 5 against logs ending in term 2 and overwrites "x": no harm done.
        cluster.Heal();
        cluster.Isolate(1);
        cluster[5].Restart();
        cluster.Campaign(5);
        cluster.Campaign(5);
        Assert.Equal(RaftRole.Leader, cluster[5].Node.Role);
        Assert.All(new ulong[] { 2, 3, 4, 5 }, id => Assert.Equal(3UL, cluster[id].Core.Log.Term(3)));
        Assert.All(cluster.Replicas.Keys, id => Assert.DoesNotContain("x", cluster.AppliedPayloads(id)));
    }

    [Fact]
    public void A_leader_counting_replicas_of_an_older_term_would_apply_an_entry_that_is_later_overwritten()
    {
        // The same schedule with the rule broken: the test-only switch shows what the rule prevents.
        var cluster = Figure8(c => PaperRules(c) with { Broken = BrokenRules.CommitOlderTermByCounting });
        Assert.Contains("x", cluster.AppliedPayloads(1));
        cluster.Heal();
        cluster.Isolate(1);
        cluster[5].Restart();
        cluster.Campaign(5);
        cluster.Campaign(5);
        Assert.Equal(RaftRole.Leader, cluster[5].Node.Role);
        Assert.Equal(3UL, cluster[2].Core.Log.Term(3));
    }

    [Fact]
    public void Leader_should_commit_entries_of_earlier_terms_once_an_entry_of_its_term_is_committed()
    {
        var cluster = Figure8(PaperRules);
        cluster.Heal();
        cluster.Isolate(5);
        cluster.TickAll();
        Assert.Equal(4UL, cluster[1].Node.Committed);
        Assert.Contains("x", cluster.AppliedPayloads(1));
        Assert.Contains("x", cluster.AppliedPayloads(3));
    }

    [Fact]
    public void A_partitioned_old_leader_cannot_commit()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(1);
        Assert.True(cluster.Propose(1, "lost"));
        Assert.Equal(2UL, cluster[1].Node.Committed);
        // The others elect a new leader once their lease on 1 has run out; 1 steps down when it misses its quorum.
        cluster.TickAll(40);
        var leader = Assert.Single(cluster.Leaders);
        Assert.NotEqual(1UL, leader.Id);
        Assert.Equal(2UL, cluster[1].Node.Committed);
        cluster.Propose(leader.Id, "kept");
        cluster.Heal();
        cluster.TickAll(3);
        Assert.Equal(RaftRole.Follower, cluster[1].Node.Role);
        Assert.All(cluster.Replicas.Keys, id =>
        {
            Assert.Equal(["kept"], cluster.AppliedPayloads(id));
        });
    }

    [Fact]
    public void A_leader_commits_its_own_entry_only_once_it_is_durable_on_a_quorum_counting_itself_after_its_write()
    {
        var cluster = new TestCluster(1);
        cluster.Campaign(1);
        var node = cluster[1].Node;
        Assert.True(node.Propose("y"u8.ToArray()));
        var ready = node.Ready();
        Assert.Single(ready.Entries);
        // Not committed before the host has written it, even though the leader is the only voter.
        Assert.Empty(ready.CommittedEntries);
        cluster[1].Storage.Append(ready.Entries);
        node.Advance();
        Assert.Equal("y", TestCluster.Text(Assert.Single(node.Ready().CommittedEntries)));
        node.Advance();
    }
}
