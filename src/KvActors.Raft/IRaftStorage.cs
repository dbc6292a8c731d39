namespace KvActors.Raft;

/// <summary>
/// The durable part of a replica, implemented by the host: everything here survives a crash. The core only reads
/// it; the host writes what each <see cref="Ready"/> asks for before calling <see cref="RaftNode.Advance"/>.
/// Index 0 holds a dummy entry of term 0: <see cref="Term"/> answers for FirstIndex - 1 (the snapshot's index).
/// </summary>
public interface IRaftStorage
{
    /// <summary>The durable hard state and the membership of the latest snapshot.</summary>
    (HardState HardState, ConfState ConfState) InitialState();

    /// <summary>Entries in [<paramref name="low"/>, <paramref name="high"/>), FirstIndex &lt;= low &lt;= high &lt;=
    /// LastIndex + 1, their sizes summing to at most <paramref name="maxBytes"/> except that one entry is always
    /// returned when the range is not empty.</summary>
    IReadOnlyList<Entry> Entries(ulong low, ulong high, long maxBytes);

    /// <summary>The term of the entry at <paramref name="index"/>, FirstIndex - 1 &lt;= index &lt;= LastIndex.</summary>
    ulong Term(ulong index);

    ulong FirstIndex { get; }

    ulong LastIndex { get; }

    Snapshot Snapshot();
}
