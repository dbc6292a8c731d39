namespace KvActors.Raft.Tests.Simulation;

/// <summary>
/// A simulated network: every message gets a random delay (so messages overtake each other), may be dropped or
/// duplicated, and is lost if a partition separates its ends when it is sent or when it arrives.
/// </summary>
internal sealed class SimNetwork(Random random)
{
    private readonly List<(long At, Message Message)> _inFlight = [];
    private readonly HashSet<(ulong From, ulong To)> _blocked = [];

    public double DropRate { get; set; }

    public double DuplicateRate { get; set; }

    public int MaxDelay { get; set; } = 3;

    public long Sent { get; private set; }

    public bool Partitioned => _blocked.Count > 0;

    public void Send(Message m, long now)
    {
        Sent++;
        if (_blocked.Contains((m.From, m.To)) || random.NextDouble() < DropRate) return;
        _inFlight.Add((now + 1 + random.Next(MaxDelay), m));
        if (random.NextDouble() < DuplicateRate) _inFlight.Add((now + 1 + random.Next(MaxDelay * 2 + 1), m));
    }

    /// <summary>The messages due by <paramref name="now"/>, in a random order.</summary>
    public List<Message> Due(long now)
    {
        var due = new List<Message>();
        for (var i = _inFlight.Count - 1; i >= 0; i--)
        {
            if (_inFlight[i].At > now) continue;
            var m = _inFlight[i].Message;
            _inFlight.RemoveAt(i);
            if (!_blocked.Contains((m.From, m.To))) due.Add(m);
        }

        for (var i = due.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (due[i], due[j]) = (due[j], due[i]);
        }

        return due;
    }

    public void Block(ulong from, ulong to) => _blocked.Add((from, to));

    /// <summary>Cuts every link between the two sides, both ways.</summary>
    public void Split(IReadOnlyCollection<ulong> side, IReadOnlyCollection<ulong> others)
    {
        foreach (var a in side)
        {
            foreach (var b in others)
            {
                Block(a, b);
                Block(b, a);
            }
        }
    }

    public void Heal() => _blocked.Clear();
}
