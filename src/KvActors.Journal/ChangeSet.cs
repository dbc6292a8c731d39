namespace KvActors.Journal;

/// <summary>
/// The journal record of one group commit: the changes of every write that arrived while the previous record was
/// being written, in order. One row per group rather than per change is what lets many concurrent writers share a
/// journal transaction cheaply; replay applies the changes one by one.
/// <see cref="Epoch"/> is the partition ownership epoch of the store that wrote it (0: written before ownership
/// fencing existed). The journal refuses a record whose epoch is not the partition's current one, so a store that
/// lost its partition to a newer owner can never add to the history; see docs/cluster.md.
/// </summary>
public sealed record ChangeSet(IReadOnlyList<IKvEvent> Changes)
{
    public long Epoch { get; init; }
}
