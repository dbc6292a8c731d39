using Akka.Actor;
using Akka.Serialization;

namespace KvActors.EndToEnd.Tests.Hostile;

/// <summary>
/// Claims the KvSerializer's identifier (7301) on a client system, so whatever bytes and manifest a
/// <see cref="RawPayload"/> holds reach the server as if they were protocol messages; the server's replies come
/// back as raw payloads too.
/// </summary>
public sealed class RawPayloadSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int KvSerializerIdentifier = 7301;

    public override int Identifier => KvSerializerIdentifier;

    public override string Manifest(object o) => ((RawPayload)o).Manifest;

    public override byte[] ToBinary(object obj) => ((RawPayload)obj).Bytes;

    public override object FromBinary(byte[] bytes, string manifest) => new RawPayload(bytes, manifest);
}
