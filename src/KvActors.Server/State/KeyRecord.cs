namespace KvActors.Server.State;

/// <summary>What the store keeps per key: the value, the store revision of its last change, and its expiry.</summary>
internal readonly record struct KeyRecord(byte[] Value, long Revision, long? ExpiresAtUnixMs)
{
    /// <summary>Expired keys stay in memory until swept, but no read or decision may see them.</summary>
    public bool IsLiveAt(long nowUnixMs) => ExpiresAtUnixMs is not { } at || at > nowUnixMs;
}
