using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;
using KvActors.Protocol;

namespace KvActors.Journal.Serialization;

/// <summary>
/// The stored form of a <see cref="StoreSnapshot"/> (manifest <c>s-store2</c>): one flat little-endian buffer,
/// <c>version 2 (byte) | revision (int64) | count (int32) | count × entry</c>, each entry
/// <c>key length (int32) | key (UTF-8) | value length (int32) | value | revision (int64) | has expiry (byte) | [expiry (int64)]</c>.
/// A snapshot holds every key of a partition, so its decoding is most of a restart: this one allocates only each
/// key's string, each value's array and its entry, where the protobuf form (<c>s-store</c>, still read) also made
/// a message and a ByteString per entry and copied every value twice.
/// </summary>
internal static class SnapshotFormat
{
    private const byte Version = 2;
    private const int HeaderBytes = 1 + 8 + 4;
    private const int MinEntryBytes = 4 + 4 + 8 + 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Write(StoreSnapshot snapshot)
    {
        var size = (long)HeaderBytes;
        foreach (var e in snapshot.Entries)
            size += MinEntryBytes + StrictUtf8.GetByteCount(e.Key) + e.Value.Length + (e.ExpiresAtUnixMs is null ? 0 : 8);
        if (size > Array.MaxLength) throw new SerializationException($"a snapshot of {size} bytes does not fit one buffer; use more partitions");

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], snapshot.Revision);
        BinaryPrimitives.WriteInt32LittleEndian(span[9..], snapshot.Entries.Count);
        var at = HeaderBytes;
        foreach (var e in snapshot.Entries)
        {
            var keyBytes = StrictUtf8.GetBytes(e.Key, span[(at + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], keyBytes);
            at += 4 + keyBytes;
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], e.Value.Length);
            e.Value.CopyTo(span[(at + 4)..]);
            at += 4 + e.Value.Length;
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], e.Revision);
            at += 8;
            span[at++] = e.ExpiresAtUnixMs is null ? (byte)0 : (byte)1;
            if (e.ExpiresAtUnixMs is { } expiry)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], expiry);
                at += 8;
            }
        }

        return buffer;
    }

    /// <exception cref="SerializationException">The bytes are not a snapshot of this form.</exception>
    public static StoreSnapshot Read(byte[] bytes)
    {
        var span = new ReadOnlySpan<byte>(bytes);
        if (span.Length < HeaderBytes || span[0] != Version) throw Malformed("no version 2 header");
        var revision = BinaryPrimitives.ReadInt64LittleEndian(span[1..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[9..]);
        // Checked before allocating, so a forged count cannot ask for more entries than the bytes could hold.
        if (count < 0 || count > (span.Length - HeaderBytes) / MinEntryBytes) throw Malformed($"entry count {count}");

        var entries = new KvEntry[count];
        var at = HeaderBytes;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var key = StrictUtf8.GetString(Field(span, ref at));
                var value = Field(span, ref at).ToArray();
                var entryRevision = BinaryPrimitives.ReadInt64LittleEndian(Take(span, ref at, 8));
                long? expiry = Take(span, ref at, 1)[0] switch
                {
                    0 => null,
                    1 => BinaryPrimitives.ReadInt64LittleEndian(Take(span, ref at, 8)),
                    var flag => throw Malformed($"expiry flag {flag}"),
                };
                entries[i] = new KvEntry(key, value, entryRevision, expiry);
            }
        }
        catch (DecoderFallbackException)
        {
            throw Malformed("a key is not UTF-8");
        }

        if (at != span.Length) throw Malformed($"{span.Length - at} bytes after the last entry");
        return new StoreSnapshot(revision, entries);
    }

    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> span, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(Take(span, ref at, 4));
        if (length < 0) throw Malformed($"length {length}");
        return Take(span, ref at, length);
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> span, ref int at, int length)
    {
        if (length > span.Length - at) throw Malformed("cut short");
        var taken = span.Slice(at, length);
        at += length;
        return taken;
    }

    private static SerializationException Malformed(string what) => new($"malformed snapshot (s-store2): {what}");
}
