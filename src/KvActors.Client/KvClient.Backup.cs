using KvActors.Protocol;
using KvActors.Protocol.Backup;

namespace KvActors.Client;

// Online backup: every partition read at one revision of its own, into a backup file.
public sealed partial class KvClient
{
    // A partition whose session was dropped (it restarted or moved mid-read) is read again from the start this often.
    private const int BackupAttemptsPerPartition = 3;

    /// <summary>One page of a partition's backup (see <see cref="ReadBackup"/>); the timeout applies per page.</summary>
    public async Task<BackupPage> ReadBackupPageAsync(ReadBackup request, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Expect<BackupPage>(await SendAsync(request, timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Writes a consistent online backup of every partition to <paramref name="path"/> while writes go on: each
    /// partition's committed state at one revision (said in the file's header), every write acknowledged before
    /// this call began included. The file appears only once complete (written as <c>PATH.tmp</c>, then renamed).
    /// </summary>
    /// <param name="progress">Told after each page: partition, keys and bytes written so far.</param>
    /// <param name="timeout">Per request (one page); the whole backup may take longer.</param>
    /// <returns>The header written: the revision and key count of each partition.</returns>
    public async Task<BackupHeader> BackupAsync(
        string path, IProgress<BackupProgress>? progress = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Before anything is asked: every write acknowledged before this moment is in the state each partition freezes.
        var createdAt = DateTimeOffset.UtcNow;
        var partitions = (await GetStatsAsync(timeout, cancellationToken).ConfigureAwait(false)).Partitions;
        using var writer = new BackupFileWriter(path, partitions, createdAt);
        long keys = 0;
        for (var partition = 0; partition < partitions; partition++)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    keys += await BackupPartitionAsync(writer, partition, partitions, keys, progress, timeout, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (KvUnavailableException e) when (e.Message.StartsWith(ReadBackup.SessionGonePrefix, StringComparison.Ordinal) && attempt < BackupAttemptsPerPartition)
                {
                    writer.AbandonPartition();
                }
            }
        }

        return writer.Complete();
    }

    private async Task<long> BackupPartitionAsync(
        BackupFileWriter writer, int partition, int partitions, long keysBefore, IProgress<BackupProgress>? progress, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var page = await ReadBackupPageAsync(new ReadBackup(partition), timeout, cancellationToken).ConfigureAwait(false);
        writer.BeginPartition(partition, page.Revision);
        long written = 0;
        while (true)
        {
            foreach (var entry in page.Entries) writer.Write(entry);
            written += page.Entries.Count;
            progress?.Report(new BackupProgress(partition, partitions, keysBefore + written, writer.Length));
            if (page.NextPosition is not { } next) break;
            page = await ReadBackupPageAsync(new ReadBackup(partition, page.Session, next), timeout, cancellationToken).ConfigureAwait(false);
        }

        writer.EndPartition();
        return written;
    }
}

/// <summary>How far a backup has got: the partition being read (of <paramref name="Partitions"/>), keys and bytes written.</summary>
public sealed record BackupProgress(int Partition, int Partitions, long Keys, long Bytes);
