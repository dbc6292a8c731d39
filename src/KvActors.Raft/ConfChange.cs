using System.Buffers.Binary;

namespace KvActors.Raft;

/// <summary>A single-member change of the configuration: one voter at a time, so every old quorum overlaps every
/// new one. It travels in the log as an <see cref="EntryType.ConfChange"/> entry.</summary>
public sealed record ConfChange(ConfChangeType Type, ulong NodeId)
{
    private const int EncodedLength = 9;

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        bytes[0] = (byte)Type;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1), NodeId);
        return bytes;
    }

    public static ConfChange Decode(byte[] data)
    {
        if (data.Length != EncodedLength || !Enum.IsDefined((ConfChangeType)data[0]))
            throw new ArgumentException("not an encoded configuration change", nameof(data));
        return new ConfChange((ConfChangeType)data[0], BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(1)));
    }
}
