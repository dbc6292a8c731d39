namespace KvActors.Raft;

/// <summary>The host's applied state up to <see cref="SnapshotMetadata.Index"/>, with the membership at that index.
/// The log behind it can be discarded.</summary>
public sealed record Snapshot(SnapshotMetadata Metadata, byte[] Data)
{
    public static Snapshot Empty { get; } = new(new SnapshotMetadata(0, 0, ConfState.Empty), []);

    public bool IsEmpty => Metadata.Index == 0;
}
