using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using KvActors.Protocol;
using KvActors.Replication;
using KvActors.Replication.Placement;
using KvActors.Server.Routing;

namespace KvActors.Cluster.Raft;

/// <summary>
/// Raft mode's routing: each request goes to its partition's leader, through the <see cref="ReplicationHost"/> of
/// the leader's node. The leader of each partition is cached; a replica that does not lead answers
/// <see cref="NotLeader"/> without applying anything, so the request is sent again to the leader it names, or,
/// while no leader is known (an election), after a short pause to whichever replica knows one. This node's own
/// replicas also report every leader they see (<see cref="LeaderChanged"/>), so the cache follows elections without
/// waiting for cluster membership. Only answers that prove the request was not applied are retried: a write lost
/// with its node (the node is found gone, or its partition elects another leader, while the request waits) or not
/// answered within <see cref="LeaderPatience"/> is answered "outcome unknown", as the shared-journal cluster answers a
/// request lost with its node; a read is sent on to the next leader. Clients never see <see cref="NotLeader"/>.
/// A <see cref="StaleRead"/> skips the leader: the nearest replica that answers serves it.
/// </summary>
public sealed class RaftPartitions : IReplicatedPartitions
{
    // Longer than any caller's own timeout: only bounds the life of a request whose reply never comes.
    private static readonly TimeSpan AskLimit = TimeSpan.FromSeconds(60);

    // How long a request waits for its partition to have a leader (an election takes 1-2 s) before it is refused.
    private static readonly TimeSpan LeaderWait = TimeSpan.FromSeconds(10);

    // How long a request waits on the node it believes leads before that node is no longer believed: longer than an
    // election and a commit under load, so a slow leader is rarely doubted; bounds the wait on a leader that died
    // while nothing told this node (no replica of the partition here, no cluster membership yet).
    private static readonly TimeSpan LeaderPatience = TimeSpan.FromSeconds(5);

    // A probe to a replica whose node may be gone: reads are harmless to send again elsewhere.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(400);

    // Asked of a replica to learn who leads: a follower answers NotLeader at once, the leader answers the read.
    private static readonly IKvQuery LeaderProbe = new Exists("kv-leader-probe");

    private readonly ActorSystem _system;
    private readonly IReadOnlyList<ReplicaGroup> _groups;
    private readonly Address _self;
    private readonly Address?[] _leaders;
    private readonly ulong[] _leaderTerms;
    private readonly ConcurrentDictionary<Address, ActorSelection> _hosts = new();

    // Cancelled when requests waiting on that node for that partition can no longer be answered by it.
    private readonly ConcurrentDictionary<(Address Node, int Partition), CancellationTokenSource> _inFlight = new();
    private readonly ConcurrentDictionary<Address, bool> _gone = new();
    // Every node that may run replicas: the founding ones, and each member seen since (replicas move to nodes that join).
    private readonly ConcurrentDictionary<Address, bool> _nodes = new();
    private int _rotation;

    /// <param name="system">This node's system.</param>
    /// <param name="groups">Every partition's group, indexed by partition.</param>
    public RaftPartitions(ActorSystem system, IReadOnlyList<ReplicaGroup> groups)
    {
        _system = system;
        _groups = groups;
        _self = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        // The first guess: this node's own replica if it has one (it knows who leads), else the group's first.
        _leaders = groups.Select(g => g.SlotOn(_self) is not null ? _self : g.Replicas.OrderBy(r => r.Key).First().Value).ToArray();
        _leaderTerms = new ulong[groups.Count];
        foreach (var node in groups.SelectMany(g => g.Replicas.Values)) _nodes[node] = true;
    }

    /// <summary>The node each partition's leader is on, as last learned (null while unknown).</summary>
    public Address? LeaderOf(int partition) => Volatile.Read(ref _leaders[partition]);

    public void Tell(int partition, IKvRequest request, IActorRef sender) =>
        AskAsync(partition, request, AskLimit).PipeTo(sender);

    public async Task<IKvReply> AskAsync(int partition, IKvRequest request, TimeSpan timeout)
    {
        if (request is StaleRead stale) return await ReadNearestAsync(partition, stale, timeout);
        var clock = Stopwatch.StartNew();
        var leaderWait = timeout < LeaderWait ? timeout : LeaderWait;
        var pause = FirstPause;
        var redirects = 0;
        while (true)
        {
            var leader = await LeaderAsync(partition, leaderWait - clock.Elapsed);
            if (leader is null)
                return new KvError(ErrorCode.Unavailable, $"partition {partition} has no leader reachable from this node after {leaderWait.TotalSeconds:0.#}s; not applied");

            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero) return KvErrors.TimedOut($"the leader of partition {partition} did not answer", timeout);
            var reply = await SendAsync(leader, partition, request, left < LeaderPatience ? left : LeaderPatience);
            switch (reply)
            {
                case null or NoReply when request is IKvQuery:
                    Forget(partition, leader);
                    continue; // A read lost with its leader: nothing to apply twice, ask the next leader.
                case null:
                    return KvErrors.LostInFlight($"partition {partition}'s leader on {leader} was lost or replaced before answering");
                case NoReply:
                    if (left > LeaderPatience) Forget(partition, leader); // Silent past patience: find the leader afresh.
                    return KvErrors.TimedOut($"the leader of partition {partition} did not answer", clock.Elapsed);
                case NotLeader notLeader:
                    // Not applied: the replica refused before deciding anything. Follow its hint at once, unless hints
                    // keep failing (replicas with stale views naming each other) or none came: wait for the election.
                    if (!Learn(partition, leader, notLeader) || ++redirects > 2)
                    {
                        await Task.Delay(pause);
                        pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
                    }

                    if (clock.Elapsed >= leaderWait)
                        return new KvError(ErrorCode.Unavailable, $"partition {partition} elected no leader within {leaderWait.TotalSeconds:0.#}s; not applied");
                    continue;
                default:
                    return reply;
            }
        }
    }

    // A stale read: any replica answers from its applied state, this node's own first (no network hop), then the
    // leader's (the freshest), then the others; a replica that does not answer in time is passed over.
    private async Task<IKvReply> ReadNearestAsync(int partition, StaleRead read, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var pause = FirstPause;
        while (true)
        {
            var leader = LeaderOf(partition);
            var nearest = _nodes.Keys.OrderBy(n => n == _self ? 0 : n == leader ? 1 : 2).Where(n => !IsGone(n)).ToArray();
            foreach (var node in nearest)
            {
                var left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero) break;
                var reply = await SendAsync(node, partition, read, left < ProbeTimeout ? left : ProbeTimeout);
                if (reply is null or NoReply or KvError { Code: ErrorCode.Unavailable }) continue;
                return reply;
            }

            if (clock.Elapsed + pause >= timeout)
                return new KvError(ErrorCode.Unavailable, $"no replica of partition {partition} answered a stale read within {timeout.TotalSeconds:0.#}s; not applied");
            await Task.Delay(pause);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    /// <summary>Every replica of every partition as it answers now, every node asked at once. A member replica that does
    /// not answer within <paramref name="timeout"/> (its node down or cut off) is listed as unreachable: the members
    /// are the leader's (or, while a group has none, the founding ones).</summary>
    public async Task<IKvReply> ReplicasAsync(TimeSpan timeout)
    {
        var nodes = _nodes.Keys.ToArray();
        var views = nodes.Select(async node =>
        {
            if (IsGone(node)) return null;
            try
            {
                return await HostOn(node).Ask<PlacementView>(GetPlacementView.Instance, timeout);
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        }).ToArray();
        var asks = _groups.SelectMany(group => nodes.Select(node => SendAsync(node, group.Partition, GetReplicaStatus.Instance, timeout))).ToArray();
        var answered = (await Task.WhenAll(asks)).OfType<ReplicaStatus>().ToList();
        var leaders = PlacementPlanner.LeaderViews((await Task.WhenAll(views)).OfType<PlacementView>().ToArray()).ToDictionary(v => v.Partition);
        foreach (var group in _groups)
        {
            var members = leaders.TryGetValue(group.Partition, out var leader)
                ? leader.Nodes.Select(m => (Id: m.Key, Node: m.Value))
                : group.Replicas.Select(r => (Id: r.Key, Node: r.Value));
            foreach (var (id, node) in members.Where(m => answered.All(r => r.Partition != group.Partition || r.ReplicaId != (long)m.Id)).ToArray())
                answered.Add(ReplicaStatus.NotAnswered(group.Partition, node.ToString(), (long)id));
        }

        return new PartitionReplicas(answered.OrderBy(r => r.Partition).ThenBy(r => r.ReplicaId).ToArray());
    }

    /// <summary>A node was found gone: its replicas lead nothing as far as this node can tell, and requests waiting
    /// on it are answered now (reads are sent on to the next leader).</summary>
    public void NodeGone(Address node)
    {
        if (node == _self) return;
        _gone[node] = true;
        for (var p = 0; p < _leaders.Length; p++)
        {
            Forget(p, node);
            Abandon(node, p);
        }
    }

    /// <summary>A replica on this node saw <paramref name="partition"/>'s leader change: route there (or probe, while
    /// none is known), and count the leader's node as running. Requests waiting on the former leader are answered now: a write there may or may not commit
    /// under the new leader, so its outcome is unknown; a read goes on to the new leader. Older terms' news is
    /// ignored, and so is "no leader" in the term of a known one.</summary>
    public void LeaderChanged(int partition, ulong term, Address? leader)
    {
        Address? former;
        lock (_leaderTerms)
        {
            // A replica that knows no leader in a term another replica reported a leader for has just not heard yet.
            if (term < _leaderTerms[partition] || (term == _leaderTerms[partition] && leader is null)) return;
            _leaderTerms[partition] = term;
            former = Interlocked.Exchange(ref _leaders[partition], leader);
        }

        // A replica here heard from that leader in this term: its node runs, whatever the membership last said (a
        // restarted node whose new incarnation this node's cluster view has not admitted yet).
        if (leader is not null) NodeBack(leader);

        if (former is not null && former != leader) Abandon(former, partition);
    }

    /// <summary>A node is a reachable member again (a restarted process, a healed link).</summary>
    public void NodeBack(Address node)
    {
        _nodes[node] = true;
        _gone.TryRemove(node, out _);
    }

    private bool IsGone(Address node) => _gone.ContainsKey(node);

    private void Forget(int partition, Address node) => Interlocked.CompareExchange(ref _leaders[partition], null, node);

    private void Abandon(Address node, int partition)
    {
        if (!_inFlight.TryRemove((node, partition), out var waiting)) return;
        waiting.Cancel();
        waiting.Dispose();
    }

    // Whether the reply named a leader to try next.
    private bool Learn(int partition, Address asked, NotLeader notLeader)
    {
        var named = notLeader.LeaderNode is { } text ? Address.Parse(text) : null;
        if (named is null || named == asked || IsGone(named))
        {
            Forget(partition, asked);
            return false;
        }

        Volatile.Write(ref _leaders[partition], named);
        return true;
    }

    // The cached leader, or one learned by probing the replicas in turn, retried with pauses until the time is up.
    private async Task<Address?> LeaderAsync(int partition, TimeSpan within)
    {
        if (LeaderOf(partition) is { } cached && !IsGone(cached)) return cached;
        var clock = Stopwatch.StartNew();
        var pause = FirstPause;
        while (clock.Elapsed < within)
        {
            var start = Interlocked.Increment(ref _rotation);
            var candidates = _nodes.Keys.Where(n => !IsGone(n)).ToArray();
            for (var i = 0; i < candidates.Length && clock.Elapsed < within; i++)
            {
                var candidate = candidates[(start + i) % candidates.Length];
                var left = within - clock.Elapsed;
                var reply = await SendAsync(candidate, partition, LeaderProbe, left < ProbeTimeout ? left : ProbeTimeout);
                switch (reply)
                {
                    case null or NoReply:
                        continue;
                    case NotLeader notLeader:
                        if (Learn(partition, candidate, notLeader)) return LeaderOf(partition);
                        continue;
                    case KvError { Code: ErrorCode.Unavailable }:
                        continue; // No replica runs there yet (the node is starting).
                    default:
                        Volatile.Write(ref _leaders[partition], candidate);
                        return candidate;
                }
            }

            if (LeaderOf(partition) is { } learned && !IsGone(learned)) return learned;
            await Task.Delay(pause);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }

        return null;
    }

    // The reply; null if the node was found gone (or no longer leads) first, NoReply if none came in time.
    private async Task<IKvReply?> SendAsync(Address node, int partition, IKvRequest request, TimeSpan timeout)
    {
        if (IsGone(node)) return null;
        var gone = _inFlight.GetOrAdd((node, partition), _ => new CancellationTokenSource());
        CancellationToken token;
        try
        {
            token = gone.Token;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }

        // Gone between the first check and taking the token: that token may never be cancelled.
        if (IsGone(node)) return null;
        try
        {
            return await HostOn(node).Ask<IKvReply>(new PartitionEnvelope(partition, request), timeout, token);
        }
        catch (AskTimeoutException)
        {
            return NoReply.Instance;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return null;
        }
    }

    private ActorSelection HostOn(Address node) =>
        _hosts.GetOrAdd(node, n => _system.ActorSelection(new RootActorPath(n) / "user" / ReplicationHost.Name));

    // No reply in time: not a protocol reply, never leaves this class.
    private sealed class NoReply : IKvReply
    {
        public static readonly NoReply Instance = new();
    }
}
