using System.Buffers.Binary;
using System.Text;

namespace KvActors.Protocol.Backup;

/// <summary>
/// The layout of a backup file (<c>kv backup FILE</c>), little-endian throughout:
/// <code>
/// header   magic "KVBACKUP" | format version (int32) | created at, Unix ms (int64) | partition count P (int32)
///          | P × section { revision (int64) | keys (int64) | bytes (int64) | SHA-256 of the section (32 bytes) }
///          | SHA-256 of the header bytes before it (32 bytes)
/// sections P of them, in partition order, each `keys` entries:
///          key length (int32) | key (UTF-8) | value length (int32) | value | revision (int64)
///          | has expiry (byte 0/1) | [expiry, Unix ms (int64)]
/// </code>
/// The file is exactly as long as the header says, so a truncated file is recognised before any entry is read, and
/// every byte is under a checksum. Expiry is the absolute time the store keeps, not a time left.
/// </summary>
public static class BackupFormat
{
    public const int Version = 1;

    /// <summary>Keys are at most 4096 UTF-8 bytes (the server's limit); anything longer in a file is damage.</summary>
    public const int MaxKeyBytes = 4096;

    /// <summary>The largest value any server accepts (64 MiB).</summary>
    public const int MaxValueBytes = 64 * 1024 * 1024;

    /// <summary>Partition counts a header may declare (the server's limit is lower).</summary>
    public const int MaxPartitions = 16384;

    internal static ReadOnlySpan<byte> Magic => "KVBACKUP"u8;

    internal const int FixedHeaderBytes = 8 + 4 + 8 + 4;
    internal const int SectionDescriptorBytes = 8 + 8 + 8 + 32;
    internal const int HashBytes = 32;

    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Bytes of the header of a backup of <paramref name="partitions"/> partitions.</summary>
    public static int HeaderBytes(int partitions) => FixedHeaderBytes + partitions * SectionDescriptorBytes + HashBytes;

    internal static byte[] WriteHeader(BackupHeader header)
    {
        var bytes = new byte[HeaderBytes(header.Partitions.Count)];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], header.FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], header.CreatedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], header.Partitions.Count);
        var at = FixedHeaderBytes;
        foreach (var section in header.Partitions)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], section.Revision);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], section.Keys);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 16)..], section.Bytes);
            section.Sha256.CopyTo(span[(at + 24)..]);
            at += SectionDescriptorBytes;
        }

        System.Security.Cryptography.SHA256.HashData(span[..at], span[at..]);
        return bytes;
    }

    /// <summary>Writes one entry into <paramref name="buffer"/> (grown as needed); returns its length.</summary>
    internal static int EncodeEntry(KvEntry entry, ref byte[] buffer)
    {
        var keyBytes = StrictUtf8.GetByteCount(entry.Key);
        var size = 4 + keyBytes + 4 + entry.Value.Length + 8 + 1 + (entry.ExpiresAtUnixMs is null ? 0 : 8);
        if (buffer.Length < size) buffer = new byte[Math.Max(size, buffer.Length * 2)];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, keyBytes);
        StrictUtf8.GetBytes(entry.Key, span[4..]);
        var at = 4 + keyBytes;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], entry.Value.Length);
        entry.Value.CopyTo(span[(at + 4)..]);
        at += 4 + entry.Value.Length;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.Revision);
        at += 8;
        span[at++] = entry.ExpiresAtUnixMs is null ? (byte)0 : (byte)1;
        if (entry.ExpiresAtUnixMs is { } expiry)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], expiry);
            at += 8;
        }

        return at;
    }
}
