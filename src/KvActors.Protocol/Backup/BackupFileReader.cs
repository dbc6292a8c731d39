using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace KvActors.Protocol.Backup;

/// <summary>
/// Reads a backup file (<see cref="BackupFormat"/>). <see cref="Open"/> checks the header (magic, version, its
/// checksum, and that the file is exactly as long as it says); <see cref="Verify"/> reads every section against its
/// checksum; <see cref="ReadPartition"/> streams one partition's entries and fails at its end if the checksum does
/// not match. Every failure is a <see cref="BackupFormatException"/> with a one-line reason.
/// </summary>
public sealed class BackupFileReader : IDisposable
{
    private readonly string _path;
    private readonly FileStream _file;
    private readonly long[] _offsets;

    private BackupFileReader(string path, FileStream file, BackupHeader header)
    {
        _path = path;
        _file = file;
        Header = header;
        _offsets = new long[header.Partitions.Count];
        var offset = (long)BackupFormat.HeaderBytes(header.Partitions.Count);
        for (var p = 0; p < _offsets.Length; p++)
        {
            _offsets[p] = offset;
            offset += header.Partitions[p].Bytes;
        }
    }

    public BackupHeader Header { get; }

    /// <exception cref="BackupFormatException">Not a backup file, another version, a damaged header, or cut short.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static BackupFileReader Open(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1024 * 1024);
        try
        {
            var header = ReadHeader(file, fullPath);
            return new BackupFileReader(fullPath, file, header);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static BackupHeader ReadHeader(FileStream file, string path)
    {
        var fixedPart = new byte[BackupFormat.FixedHeaderBytes];
        if (file.ReadAtLeast(fixedPart, fixedPart.Length, throwOnEndOfStream: false) < fixedPart.Length || !fixedPart.AsSpan(0, 8).SequenceEqual(BackupFormat.Magic))
            throw new BackupFormatException($"{path} is not a KvActors backup (no KVBACKUP header)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(fixedPart.AsSpan(8));
        if (version != BackupFormat.Version)
            throw new BackupFormatException($"{path} is a backup in format version {version}; this kv-server reads version {BackupFormat.Version}");
        var partitions = BinaryPrimitives.ReadInt32LittleEndian(fixedPart.AsSpan(20));
        if (partitions is < 1 or > BackupFormat.MaxPartitions) throw Damaged(path, $"the header declares {partitions} partitions");

        var header = new byte[BackupFormat.HeaderBytes(partitions)];
        fixedPart.CopyTo(header, 0);
        var rest = header.Length - fixedPart.Length;
        if (file.ReadAtLeast(header.AsSpan(fixedPart.Length), rest, throwOnEndOfStream: false) < rest) throw Damaged(path, "the file ends inside its header (truncated)");
        var hashAt = header.Length - BackupFormat.HashBytes;
        if (!SHA256.HashData(header.AsSpan(0, hashAt)).AsSpan().SequenceEqual(header.AsSpan(hashAt)))
            throw Damaged(path, "its header does not match its checksum");

        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(12)));
        var sections = new BackupSection[partitions];
        var expectedLength = (long)header.Length;
        for (var p = 0; p < partitions; p++)
        {
            var at = BackupFormat.FixedHeaderBytes + p * BackupFormat.SectionDescriptorBytes;
            var span = header.AsSpan(at);
            sections[p] = new BackupSection(p,
                BinaryPrimitives.ReadInt64LittleEndian(span),
                BinaryPrimitives.ReadInt64LittleEndian(span[8..]),
                BinaryPrimitives.ReadInt64LittleEndian(span[16..]),
                span.Slice(24, 32).ToArray());
            expectedLength += sections[p].Bytes;
        }

        if (file.Length < expectedLength) throw Damaged(path, $"it is {file.Length} bytes, its header says {expectedLength} (truncated)");
        if (file.Length > expectedLength) throw Damaged(path, $"it is {file.Length} bytes, its header says {expectedLength} (data after the end)");
        return new BackupHeader(version, createdAt, sections);
    }

    /// <summary>Reads every section and checks it against its checksum and its key count.</summary>
    public void Verify()
    {
        for (var p = 0; p < Header.Partitions.Count; p++)
        {
            foreach (var _ in ReadPartition(p))
            {
            }
        }
    }

    /// <summary>The entries of one partition, in file order; throws at the end if they do not match the checksum.</summary>
    public IEnumerable<KvEntry> ReadPartition(int partition)
    {
        var section = Header.Partitions[partition];
        _file.Position = _offsets[partition];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reader = new SectionReader(_file, section.Bytes, hash, this, partition);
        for (long i = 0; i < section.Keys; i++) yield return reader.ReadEntry();
        if (reader.Remaining != 0) throw Damaged(_path, $"partition {partition} holds {reader.Remaining} bytes after its {section.Keys} keys");
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(section.Sha256))
            throw Damaged(_path, $"partition {partition} does not match its checksum");
    }

    public void Dispose() => _file.Dispose();

    private static BackupFormatException Damaged(string path, string what) =>
        new($"{path} is damaged: {what}; it cannot be restored");

    private BackupFormatException Damaged(int partition, string what) => Damaged(_path, $"partition {partition}: {what}");

    // Reads a section's bytes, hashing them, and never past the section's end.
    private sealed class SectionReader(FileStream file, long length, IncrementalHash hash, BackupFileReader owner, int partition)
    {
        private readonly byte[] _small = new byte[9];

        public long Remaining { get; private set; } = length;

        public KvEntry ReadEntry()
        {
            var keyLength = ReadInt32();
            if (keyLength is < 1 or > BackupFormat.MaxKeyBytes) throw owner.Damaged(partition, $"a key of {keyLength} bytes");
            string key;
            try
            {
                key = BackupFormat.StrictUtf8.GetString(Read(keyLength));
            }
            catch (DecoderFallbackException)
            {
                throw owner.Damaged(partition, "a key is not UTF-8");
            }

            var valueLength = ReadInt32();
            if (valueLength is < 0 or > BackupFormat.MaxValueBytes) throw owner.Damaged(partition, $"a value of {valueLength} bytes");
            var value = Read(valueLength);
            var revision = BinaryPrimitives.ReadInt64LittleEndian(Read(8, _small));
            long? expiry = Read(1, _small)[0] switch
            {
                0 => null,
                1 => BinaryPrimitives.ReadInt64LittleEndian(Read(8, _small)),
                var flag => throw owner.Damaged(partition, $"expiry flag {flag}"),
            };
            return new KvEntry(key, value, revision, expiry);
        }

        private int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Read(4, _small));

        private byte[] Read(int count) => Read(count, new byte[count]);

        private byte[] Read(int count, byte[] into)
        {
            if (count > Remaining) throw owner.Damaged(partition, "an entry runs past the end of its section");
            file.ReadExactly(into, 0, count);
            hash.AppendData(into, 0, count);
            Remaining -= count;
            return into;
        }
    }
}
