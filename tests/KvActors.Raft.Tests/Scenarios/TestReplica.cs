using KvActors.Raft;

namespace KvActors.Raft.Tests.Scenarios;

/// <summary>One replica of a <see cref="TestCluster"/>: a node, its durable storage, and what it applied.</summary>
internal sealed class TestReplica
{
    private readonly Func<MemoryStorage, ulong, RaftNode> _create;

    public TestReplica(ulong id, MemoryStorage storage, Func<MemoryStorage, ulong, RaftNode> create)
    {
        Id = id;
        Storage = storage;
        _create = create;
        Node = create(storage, 0);
    }

    public ulong Id { get; }

    public RaftNode Node { get; private set; }

    public MemoryStorage Storage { get; }

    /// <summary>Every committed entry handed to this replica, in order (including no-ops).</summary>
    public List<Entry> Applied { get; } = [];

    public List<ReadState> ReadStates { get; } = [];

    internal Raft Core => Node.Core;

    /// <summary>Loses everything not durable and starts again from storage.</summary>
    public void Restart()
    {
        Applied.Clear();
        Node = _create(Storage, Storage.Snapshot().Metadata.Index);
    }

    /// <summary>Handles one Ready the way a correct host does; returns the messages to deliver.</summary>
    public List<Message> HandleReady()
    {
        var ready = Node.Ready();
        var outgoing = new List<Message>(ready.Messages);
        if (ready.Snapshot is { } snapshot) Storage.ApplySnapshot(snapshot);
        Storage.Append(ready.Entries);
        if (ready.HardState is { } hs) Storage.SetHardState(hs);
        outgoing.AddRange(ready.MessagesAfterPersist);
        Applied.AddRange(ready.CommittedEntries);
        ReadStates.AddRange(ready.ReadStates);
        Node.Advance();
        return outgoing;
    }
}
