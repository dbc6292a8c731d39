namespace KvActors.Server.State;

/// <summary>What the store keeps per key: the value and the store revision of its last change.</summary>
internal readonly record struct KeyRecord(byte[] Value, long Revision);
