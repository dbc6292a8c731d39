using System.Text;

namespace KvActors.Protocol;

/// <summary>
/// The hash slot of a key, exactly as Redis Cluster computes it: CRC16 (XMODEM: polynomial 0x1021, initial value 0)
/// of the key's UTF-8 bytes, modulo 16384; if the key holds a non-empty <c>{tag}</c>, only the tag is hashed, so
/// keys sharing a tag share a slot. Being Redis's function, it is fixed forever and lets RESP cluster clients compute
/// where a key lives; pinned by test vectors taken from a real redis-server.
/// </summary>
public static class KeySlot
{
    public const int Count = 16384;

    private static readonly ushort[] Table = BuildTable();

    public static int Of(string key)
    {
        Span<byte> small = stackalloc byte[256];
        var length = Encoding.UTF8.GetByteCount(key);
        var bytes = length <= small.Length ? small[..length] : new byte[length];
        Encoding.UTF8.GetBytes(key, bytes);
        return Of(bytes);
    }

    public static int Of(ReadOnlySpan<byte> key) => Crc16(HashTag(key)) % Count;

    // The part of the key that is hashed: between the first '{' and the first '}' after it, if that is non-empty.
    private static ReadOnlySpan<byte> HashTag(ReadOnlySpan<byte> key)
    {
        var open = key.IndexOf((byte)'{');
        if (open < 0) return key;
        var close = key[(open + 1)..].IndexOf((byte)'}');
        return close > 0 ? key.Slice(open + 1, close) : key;
    }

    private static int Crc16(ReadOnlySpan<byte> bytes)
    {
        ushort crc = 0;
        foreach (var b in bytes) crc = (ushort)((crc << 8) ^ Table[((crc >> 8) ^ b) & 0xFF]);
        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)(i << 8);
            for (var bit = 0; bit < 8; bit++) crc = (ushort)((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
            table[i] = crc;
        }

        return table;
    }
}
