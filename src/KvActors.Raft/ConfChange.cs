using System.Buffers.Binary;

namespace KvActors.Raft;

/// <summary>A single-member change of the configuration: one voter at a time, so every old quorum overlaps every
/// new one. It travels in the log as an <see cref="EntryType.ConfChange"/> entry.</summary>
/// <param name="Context">Opaque to the core, committed with the change: the host's word on the member (etcd carries
/// the member's address there, and so do we).</param>
public sealed record ConfChange(ConfChangeType Type, ulong NodeId, byte[]? Context = null)
{
    private const int HeaderLength = 9;

    public byte[] Encode()
    {
        var context = Context ?? [];
        var bytes = new byte[HeaderLength + context.Length];
        bytes[0] = (byte)Type;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1), NodeId);
        context.CopyTo(bytes.AsSpan(HeaderLength));
        return bytes;
    }

    public static ConfChange Decode(byte[] data)
    {
        if (data.Length < HeaderLength || !Enum.IsDefined((ConfChangeType)data[0]))
            throw new ArgumentException("not an encoded configuration change", nameof(data));
        var context = data.Length > HeaderLength ? data[HeaderLength..] : null;
        return new ConfChange((ConfChangeType)data[0], BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(1)), context);
    }
}
