using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>Size limits the front enforces before a request reaches a store.</summary>
/// <remarks>Keys are bounded by <see cref="ProtocolLimits.MaxKeyBytes"/>, the same for every server.</remarks>
public sealed record StoreLimits(int MaxValueBytes = ProtocolLimits.DefaultMaxValueBytes)
{
    /// <inheritdoc cref="ProtocolLimits.ScanPageBytes"/>
    public int ScanPageBytes => ProtocolLimits.ScanPageBytes(MaxValueBytes);
}
