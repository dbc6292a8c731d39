namespace KvActors.Server.State;

/// <summary>Size limits the front enforces before a request reaches a store.</summary>
public sealed record StoreLimits(int MaxValueBytes = StoreLimits.DefaultMaxValueBytes)
{
    /// <summary>Keys are UTF-8 text of 1 to 4096 bytes.</summary>
    public const int MaxKeyBytes = 4096;

    public const int DefaultMaxValueBytes = 1024 * 1024;

    /// <summary>A scan page stops growing past this many key and value bytes, so it fits one remoting frame.</summary>
    public int ScanPageBytes => MaxValueBytes;

    /// <summary>Remoting frame size that fits the largest reply: a scan page plus one maximal entry and overhead.</summary>
    public long RemotingFrameBytes => 2L * (MaxValueBytes + MaxKeyBytes) + 256 * 1024;
}
