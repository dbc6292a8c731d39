namespace KvActors.Raft;

public enum EntryType
{
    /// <summary>A payload for the host's state machine (empty for a new leader's no-op).</summary>
    Normal,

    /// <summary>A <see cref="KvActors.Raft.ConfChange"/>; it takes effect when the host has applied it.</summary>
    ConfChange,
}
