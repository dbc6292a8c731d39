namespace KvActors.Protocol;

/// <summary>
/// Sizes client and server must agree on. Remoting drops a frame larger than the receiver's
/// <c>maximum-frame-size</c> without an error reply, so a drift here shows only as timeouts: both sides size their
/// frames with <see cref="RemotingFrameBytes"/> (see <see cref="RemotingConfig"/>).
/// </summary>
public static class ProtocolLimits
{
    /// <summary>Keys are UTF-8 text of 1 to 4096 bytes.</summary>
    public const int MaxKeyBytes = 4096;

    /// <summary>A server's <c>max-value-bytes</c> unless configured.</summary>
    public const int DefaultMaxValueBytes = 1024 * 1024;

    /// <summary>The largest <c>max-value-bytes</c> a server accepts.</summary>
    public const int LargestMaxValueBytes = 64 * 1024 * 1024;

    /// <summary>A scan page stops growing past this many key and value bytes, so it fits one remoting frame.</summary>
    public static int ScanPageBytes(int maxValueBytes) => maxValueBytes;

    /// <summary>Remoting frame size that fits the largest reply: a full scan page plus one maximal entry and overhead.</summary>
    public static long RemotingFrameBytes(int maxValueBytes) => 2L * (maxValueBytes + MaxKeyBytes) + 256 * 1024;
}
