namespace KvActors.Protocol.Backup;

/// <summary>What a backup file says about itself: its format, when the backup began, and each partition's section.</summary>
public sealed record BackupHeader(int FormatVersion, DateTimeOffset CreatedAt, IReadOnlyList<BackupSection> Partitions)
{
    public long Keys => Partitions.Sum(p => p.Keys);
}

/// <summary>
/// One partition in a backup file: its state at <paramref name="Revision"/>, <paramref name="Keys"/> entries in
/// <paramref name="Bytes"/> bytes, whose SHA-256 is <paramref name="Sha256"/>.
/// </summary>
public sealed record BackupSection(int Partition, long Revision, long Keys, long Bytes, byte[] Sha256);
