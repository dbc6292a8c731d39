using KvActors.Raft;

namespace KvActors.Raft.Tests.Scenarios;

/// <summary>
/// A hand-driven group for scenario specs, like etcd's test network: every input is followed by delivering all
/// resulting messages until the group is quiet, except messages the spec cut, isolated or filtered out. Nothing
/// ticks unless the spec ticks it.
/// </summary>
internal sealed class TestCluster
{
    private readonly HashSet<(ulong From, ulong To)> _cut = [];
    private readonly List<Func<Message, bool>> _dropIf = [];

    public TestCluster(int voters, Func<RaftConfig, RaftConfig>? configure = null, int learners = 0)
    {
        Configure = configure ?? (c => c);
        var voterIds = Enumerable.Range(1, voters).Select(i => (ulong)i).ToArray();
        var learnerIds = Enumerable.Range(voters + 1, learners).Select(i => (ulong)i).ToArray();
        var conf = new ConfState([.. voterIds], [.. learnerIds]);
        foreach (var id in voterIds.Concat(learnerIds)) Add(id, new MemoryStorage(conf));
    }

    public Func<RaftConfig, RaftConfig> Configure { get; }

    public SortedDictionary<ulong, TestReplica> Replicas { get; } = [];

    /// <summary>Messages delivered, in order, for specs that look at the traffic.</summary>
    public List<Message> Delivered { get; } = [];

    public TestReplica this[ulong id] => Replicas[id];

    public TestReplica Add(ulong id, MemoryStorage storage)
    {
        var replica = new TestReplica(id, storage, (s, applied) => new RaftNode(Configure(new RaftConfig
        {
            Id = id, Storage = s, Applied = applied, RandomSeed = 42,
        })));
        Replicas[id] = replica;
        return replica;
    }

    /// <summary>Makes <paramref name="id"/> campaign now, as if its election timeout had passed, and settles.</summary>
    public void Campaign(ulong id)
    {
        this[id].Core.Step(new Message { Type = MessageType.Hup, From = id });
        Settle();
    }

    public void Tick(ulong id, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            this[id].Node.Tick();
            Settle();
        }
    }

    public void TickAll(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var replica in Replicas.Values) replica.Node.Tick();
            Settle();
        }
    }

    public bool Propose(ulong id, string payload)
    {
        var accepted = this[id].Node.Propose(System.Text.Encoding.UTF8.GetBytes(payload));
        Settle();
        return accepted;
    }

    public void Deliver(Message m)
    {
        this[m.To].Node.Step(m);
        Settle();
    }

    public void Isolate(ulong id)
    {
        foreach (var other in Replicas.Keys)
        {
            if (other == id) continue;
            _cut.Add((id, other));
            _cut.Add((other, id));
        }
    }

    public void Cut(ulong a, ulong b)
    {
        _cut.Add((a, b));
        _cut.Add((b, a));
    }

    public void CutOneWay(ulong from, ulong to) => _cut.Add((from, to));

    public void DropIf(Func<Message, bool> predicate) => _dropIf.Add(predicate);

    public void Heal()
    {
        _cut.Clear();
        _dropIf.Clear();
    }

    /// <summary>Handles every Ready and delivers every message until nothing is left.</summary>
    public void Settle()
    {
        var queue = new Queue<Message>();
        for (var rounds = 0; rounds < 100_000; rounds++)
        {
            foreach (var replica in Replicas.Values)
            {
                while (replica.Node.HasReady)
                {
                    foreach (var m in replica.HandleReady()) queue.Enqueue(m);
                }
            }

            if (queue.Count == 0) return;
            while (queue.TryDequeue(out var m))
            {
                if (!Replicas.TryGetValue(m.To, out var target) || _cut.Contains((m.From, m.To)) || _dropIf.Any(d => d(m))) continue;
                Delivered.Add(m);
                target.Node.Step(m);
            }
        }

        throw new InvalidOperationException("the cluster never settled");
    }

    public IEnumerable<TestReplica> Leaders => Replicas.Values.Where(r => r.Node.Role == RaftRole.Leader);

    public static string Text(Entry e) => System.Text.Encoding.UTF8.GetString(e.Data);

    public List<string> AppliedPayloads(ulong id) =>
        this[id].Applied.Where(e => e.Type == EntryType.Normal && e.Data.Length > 0).Select(Text).ToList();
}
