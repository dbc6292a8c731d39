namespace KvActors.Raft;

/// <summary>A message between replicas (or a local one a node steps into itself). Fields mean what they mean in
/// etcd's raftpb.Message; unused ones stay zero.</summary>
public sealed record Message
{
    public MessageType Type { get; init; }

    public ulong From { get; init; }

    public ulong To { get; init; }

    public ulong Term { get; init; }

    /// <summary>Append: term of the entry at <see cref="Index"/>. Vote: term of the candidate's last entry.
    /// Rejected append: term of the follower's entry at <see cref="RejectHint"/>.</summary>
    public ulong LogTerm { get; init; }

    /// <summary>Append: index preceding <see cref="Entries"/>. Append response: the follower's match (or the
    /// rejected index). Vote: the candidate's last index. ReadIndex response: the read index.</summary>
    public ulong Index { get; init; }

    public IReadOnlyList<Entry> Entries { get; init; } = [];

    public ulong Commit { get; init; }

    public Snapshot? Snapshot { get; init; }

    public bool Reject { get; init; }

    /// <summary>On a rejected append: the follower's guess of the last index that could match (fast back-off).</summary>
    public ulong RejectHint { get; init; }

    /// <summary>ReadIndex requests, heartbeats and their responses: the read request this round confirms.</summary>
    public byte[]? Context { get; init; }

    /// <summary>Vote requests caused by a leadership transfer: voters grant them even inside a leader's lease.</summary>
    public bool LeaderTransfer { get; init; }

    public override string ToString() =>
        $"{Type} {From}->{To} t{Term} i{Index} lt{LogTerm} c{Commit} n{Entries.Count}{(Reject ? $" reject(hint {RejectHint})" : "")}";
}
