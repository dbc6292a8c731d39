namespace KvActors.EndToEnd.Tests.Hostile;

/// <summary>Bytes that travel as if the server's KvSerializer (id 7301) had written them under <see cref="Manifest"/>.</summary>
public sealed record RawPayload(byte[] Bytes, string Manifest);
