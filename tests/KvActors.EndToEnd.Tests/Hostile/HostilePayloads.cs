using System.Text;
using Google.Protobuf;

namespace KvActors.EndToEnd.Tests.Hostile;

/// <summary>Protobuf bodies for KvSerializer manifests, written by hand: valid ones and hostile ones.</summary>
public static class HostilePayloads
{
    private const uint FirstLengthDelimitedField = (1 << 3) | 2;  // field 1, wire type 2
    private const uint SecondLengthDelimitedField = (2 << 3) | 2; // field 2, wire type 2

    /// <summary>A GetRequest (manifest "get") for <paramref name="key"/>.</summary>
    public static byte[] Get(string key)
    {
        var bytes = new MemoryStream();
        WriteField(bytes, FirstLengthDelimitedField, Encoding.UTF8.GetBytes(key));
        return bytes.ToArray();
    }

    /// <summary>
    /// A BatchRequest (manifest "batch") holding a batch holding a batch ... <paramref name="depth"/> levels down to
    /// a Get: each level is a few bytes, so a deep one still fits one remoting frame. Written outside in, in one pass.
    /// </summary>
    public static byte[] NestedBatch(int depth, string key)
    {
        var innermost = Get(key);
        var batchManifest = Encoding.ASCII.GetBytes("batch");
        var getManifest = Encoding.ASCII.GetBytes("get");

        // sizes[k]: the size of the BatchRequest k levels above the Get (sizes[0] is the Get itself).
        var sizes = new int[depth + 1];
        sizes[0] = innermost.Length;
        for (var k = 1; k <= depth; k++) sizes[k] = 1 + Varint(NestedSize(k)) + NestedSize(k);

        var bytes = new MemoryStream(sizes[depth]);
        for (var k = depth; k >= 1; k--)
        {
            WriteVarint(bytes, FirstLengthDelimitedField); // BatchRequest.requests
            WriteVarint(bytes, (uint)NestedSize(k));
            WriteField(bytes, FirstLengthDelimitedField, k == 1 ? getManifest : batchManifest); // Nested.manifest
            WriteVarint(bytes, SecondLengthDelimitedField); // Nested.payload, whose bytes are the next level
            WriteVarint(bytes, (uint)sizes[k - 1]);
        }

        bytes.Write(innermost);
        return bytes.ToArray();

        int NestedSize(int k)
        {
            var manifest = k == 1 ? getManifest.Length : batchManifest.Length;
            return 1 + Varint(manifest) + manifest + 1 + Varint(sizes[k - 1]) + sizes[k - 1];
        }
    }

    private static int Varint(int value) => CodedOutputStream.ComputeLengthSize(value);

    private static void WriteField(MemoryStream output, uint tag, byte[] value)
    {
        WriteVarint(output, tag);
        WriteVarint(output, (uint)value.Length);
        output.Write(value);
    }

    private static void WriteVarint(MemoryStream output, uint value)
    {
        for (; value >= 0x80; value >>= 7) output.WriteByte((byte)(value | 0x80));
        output.WriteByte((byte)value);
    }
}
