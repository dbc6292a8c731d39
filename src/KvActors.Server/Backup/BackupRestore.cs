using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence;
using KvActors.Journal;
using KvActors.Protocol;
using KvActors.Protocol.Backup;
using KvActors.Server.Persistence;
using Microsoft.Data.Sqlite;

namespace KvActors.Server.Backup;

/// <summary>
/// Builds a new data directory from a backup file (<c>kv-server restore FILE --data-dir DIR</c>) with the server's
/// own persistence wiring (<see cref="ServerBootstrap"/>: the same SQLite preparation, plugins and serializer): the
/// partition layout is recorded as on a first start, and each partition gets one snapshot holding its state at the
/// backed-up revision (sequence number 1, no journal events), so a normal start on the directory recovers exactly
/// that state and writes on from there. What the snapshot is, and under which persistence id, depends on the mode
/// (<see cref="IRestoreTarget"/>): a partition store's, or in a Raft cluster the replicas placed on the node. The whole file is checked before anything is created; a directory that is
/// not empty is refused; a restore that fails halfway removes what it created.
/// </summary>
public static class BackupRestore
{
    private static readonly TimeSpan SaveTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The sequence number the restored snapshot takes: the journal's first write after it is number 2.</summary>
    public const long SnapshotSequenceNr = 1;

    /// <param name="settings">The server settings; only the data directory, SQLite durability and snapshot plugin
    /// tuning matter. The partition count comes from the file.</param>
    /// <param name="progress">Told one line per restored partition.</param>
    /// <exception cref="BackupFormatException">The file is not a complete, undamaged backup.</exception>
    /// <exception cref="RestoreException">The directory is not empty, or writing it failed.</exception>
    /// <param name="target">Where the partitions' states go, given the partition count; by default a partition store each.</param>
    public static BackupHeader Run(string backupFile, ServerSettings settings, Config baseConfig, Action<string>? progress = null,
        Func<int, IRestoreTarget>? target = null)
    {
        using var reader = BackupFileReader.Open(backupFile);
        var header = reader.Header;
        var directory = Path.GetFullPath(settings.DataDirectory);
        var existed = Directory.Exists(directory);
        if (existed && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new RestoreException($"data directory {directory} is not empty; restore builds a new one: give an empty or missing directory");
        // Every section is read against its checksum before anything is created.
        reader.Verify();
        Directory.CreateDirectory(directory);
        try
        {
            using (DataDirectoryLock.Acquire(directory))
            {
                Write(reader, settings with { DataDirectory = directory, Journal = null, Partitions = header.Partitions.Count }, baseConfig, progress,
                    target?.Invoke(header.Partitions.Count));
            }

            return header;
        }
        catch (Exception e)
        {
            SqliteConnection.ClearAllPools();
            RemoveWhatWasCreated(directory, existed);
            if (e is BackupFormatException or RestoreException) throw;
            throw new RestoreException($"restoring into {directory} failed: {e.GetBaseException().Message}", e);
        }
    }

    private static void Write(BackupFileReader reader, ServerSettings settings, Config baseConfig, Action<string>? progress, IRestoreTarget? target)
    {
        var bootstrap = new ServerBootstrap(settings, baseConfig);
        target ??= new StoreRestoreTarget(bootstrap.StoreSettings);
        // As a first start would: a Raft node's directory records its mode and members before the journal exists.
        if (bootstrap.Storage is SqliteStorage sqlite) Partitioning.ReplicationRecord.Check(sqlite.DataDirectory, sqlite.JournalFile, settings);
        bootstrap.Storage.Prepare();
        // A local system: nothing listens, nothing joins a cluster; only the persistence plugins run.
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = local
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.loggers = ["Akka.Event.DefaultLogger, Akka"]
            """).WithFallback(bootstrap.Config).WithFallback(target.Config);
        var system = ActorSystem.Create("kv-restore", BootstrapSetup.Create().WithConfig(config).And(bootstrap.Storage.ToSetup()));
        try
        {
            bootstrap.ResolveLayout(system);
            var snapshots = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
            foreach (var section in reader.Header.Partitions)
            {
                var state = new StoreSnapshot(section.Revision, reader.ReadPartition(section.Partition).ToArray());
                var saved = 0;
                foreach (var (persistenceId, snapshot) in target.Snapshots(system, section.Partition, state))
                {
                    var metadata = new SnapshotMetadata(persistenceId, SnapshotSequenceNr, DateTime.UtcNow);
                    var reply = snapshots.Ask<object>(new SaveSnapshot(metadata, snapshot), SaveTimeout).GetAwaiter().GetResult();
                    if (reply is SaveSnapshotFailure failure)
                        throw new RestoreException($"saving partition {section.Partition} failed: {failure.Cause.GetBaseException().Message}", failure.Cause);
                    saved++;
                }

                progress?.Invoke(saved > 0
                    ? $"partition {section.Partition}: {section.Keys} keys at revision {section.Revision}"
                    : $"partition {section.Partition}: not on this node");
            }

            target.Complete(settings.DataDirectory);
        }
        finally
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(30));
            SqliteConnection.ClearAllPools();
        }
    }

    private static void RemoveWhatWasCreated(string directory, bool existed)
    {
        if (!existed)
        {
            Directory.Delete(directory, recursive: true);
            return;
        }

        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo inner) inner.Delete(recursive: true);
            else entry.Delete();
        }
    }
}
