using System.Security.Cryptography;

namespace KvActors.Protocol.Backup;

/// <summary>
/// Writes a backup file (<see cref="BackupFormat"/>) as its entries arrive, partition by partition, into
/// <c>FILE.tmp</c>; <see cref="Complete"/> fills in the header, flushes to disk and renames it to FILE, so FILE is
/// either absent, the previous file, or a complete backup. Disposing an uncompleted writer deletes the temporary file.
/// </summary>
public sealed class BackupFileWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temporary;
    private readonly FileStream _file;
    private readonly DateTimeOffset _createdAt;
    private readonly BackupSection?[] _sections;
    private byte[] _buffer = new byte[64 * 1024];

    private IncrementalHash? _hash;
    private int _partition = -1;
    private long _revision;
    private long _sectionStart;
    private long _keys;
    private bool _completed;

    /// <param name="createdAt">When the backup began: every write acknowledged before it is in the file.</param>
    public BackupFileWriter(string path, int partitions, DateTimeOffset createdAt)
    {
        if (partitions is < 1 or > BackupFormat.MaxPartitions) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "partition count out of range");
        _path = Path.GetFullPath(path);
        _temporary = _path + ".tmp";
        // Said plainly rather than as .NET's "Could not find a part of the path '....tmp'"; not created, since a
        // typo in a backup path should not make directories.
        if (Path.GetDirectoryName(_path) is { } directory && !Directory.Exists(directory))
            throw new DirectoryNotFoundException($"cannot write the backup to {_path}: directory {directory} does not exist");
        _createdAt = createdAt;
        _sections = new BackupSection?[partitions];
        _file = new FileStream(_temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 1024 * 1024);
        // Room for the header, written last once every section's revision, size and checksum are known.
        _file.Write(new byte[BackupFormat.HeaderBytes(partitions)]);
    }

    /// <summary>Bytes written so far.</summary>
    public long Length => _file.Position;

    /// <summary>Starts the section of <paramref name="partition"/>, whose state is at <paramref name="revision"/>.</summary>
    public void BeginPartition(int partition, long revision)
    {
        if (_hash is not null) throw new InvalidOperationException($"partition {_partition} is not finished");
        if (partition < 0 || partition >= _sections.Length) throw new ArgumentOutOfRangeException(nameof(partition));
        _partition = partition;
        _revision = revision;
        _sectionStart = _file.Position;
        _keys = 0;
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    public void Write(KvEntry entry)
    {
        var hash = _hash ?? throw new InvalidOperationException("no partition begun");
        var length = BackupFormat.EncodeEntry(entry, ref _buffer);
        hash.AppendData(_buffer, 0, length);
        _file.Write(_buffer, 0, length);
        _keys++;
    }

    /// <summary>Drops what was written of the current partition, to read it again from the start.</summary>
    public void AbandonPartition()
    {
        _hash?.Dispose();
        _hash = null;
        _file.SetLength(_sectionStart);
        _file.Position = _sectionStart;
    }

    public void EndPartition()
    {
        var hash = _hash ?? throw new InvalidOperationException("no partition begun");
        _sections[_partition] = new BackupSection(_partition, _revision, _keys, _file.Position - _sectionStart, hash.GetHashAndReset());
        hash.Dispose();
        _hash = null;
    }

    /// <summary>Writes the header, makes the file durable and moves it to its name; returns the header written.</summary>
    public BackupHeader Complete()
    {
        if (_hash is not null) throw new InvalidOperationException($"partition {_partition} is not finished");
        var missing = Array.FindIndex(_sections, s => s is null);
        if (missing >= 0) throw new InvalidOperationException($"partition {missing} was not written");
        var header = new BackupHeader(BackupFormat.Version, _createdAt, _sections.Select(s => s!).ToArray());
        _file.Position = 0;
        _file.Write(BackupFormat.WriteHeader(header));
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        File.Move(_temporary, _path, overwrite: true);
        _completed = true;
        return header;
    }

    public void Dispose()
    {
        _hash?.Dispose();
        _file.Dispose();
        if (!_completed) File.Delete(_temporary);
    }
}
