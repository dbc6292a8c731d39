using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using KvActors.Protocol.Serialization.Proto;

namespace KvActors.Protocol.Serialization;

/// <summary>
/// Protobuf serializer for every wire type: requests and replies. The manifest names the type; the protobuf body
/// carries the fields (see Proto/kv.proto for the compatibility rules). Never reuse or rename a manifest: servers and
/// clients of other versions read them. The mapping for each group lives in the partial files next to this one.
/// A server registers KvActors.Journal's JournalSerializer in its place, under the same identifier, which adds the
/// stored types (journal events and snapshots) and hands everything else to this one.
/// </summary>
public sealed partial class KvSerializer : SerializerWithStringManifest
{
    public KvSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => 7301;

    public override string Manifest(object o) => ManifestOf(o);

    public override byte[] ToBinary(object obj) => ToProto(obj).ToByteArray();

    public override object FromBinary(byte[] bytes, string manifest) =>
        TryRequestFromBinary(bytes, manifest)
        ?? TryReplyFromBinary(bytes, manifest)
        ?? throw new System.Runtime.Serialization.SerializationException($"KvSerializer does not know manifest '{manifest}'");

    private static string ManifestOf(object o) =>
        RequestManifest(o) ?? ReplyManifest(o)
        ?? throw new ArgumentException($"KvSerializer cannot serialize {o.GetType()}", nameof(o));

    private static IMessage ToProto(object obj) =>
        RequestToProto(obj) ?? ReplyToProto(obj)
        ?? throw new ArgumentException($"KvSerializer cannot serialize {obj.GetType()}", nameof(obj));

    // Values are immutable by convention (see Requests.cs), so wrapping instead of copying is safe.
    private static ByteString Wrap(byte[] value) => UnsafeByteOperations.UnsafeWrap(value);

    private static Nested ToNested(object message) => new() { Manifest = ManifestOf(message), Payload = ToProto(message).ToByteString() };

    private object FromNested(Nested nested) => FromBinary(nested.Payload.ToByteArray(), nested.Manifest);

    /// <summary>Batches nest one level deep (a transaction holding an all-or-nothing step), never more.</summary>
    private const int MaxBatchNesting = 1;

    private static int NestedDepth(int depth) => depth < MaxBatchNesting
        ? depth + 1
        : throw new System.Runtime.Serialization.SerializationException($"batches nest at most {MaxBatchNesting} level deep");

    private static ExpiryOption ToProto(Expiry expiry)
    {
        var proto = new ExpiryOption { Keep = expiry.KeepExisting };
        if (expiry.AtUnixMs is { } at) proto.AtUnixMs = at;
        return proto;
    }

    private static Expiry FromProto(ExpiryOption? proto) => proto is null
        ? Expiry.Never
        : new Expiry(proto.HasAtUnixMs ? proto.AtUnixMs : null, proto.Keep);

    private static Entry ToProto(KvEntry e)
    {
        var proto = new Entry { Key = e.Key, Value = Wrap(e.Value), Revision = e.Revision };
        if (e.ExpiresAtUnixMs is { } at) proto.ExpiresAtUnixMs = at;
        return proto;
    }

    private static KvEntry FromProto(Entry e) =>
        new(e.Key, e.Value.ToByteArray(), e.Revision, e.HasExpiresAtUnixMs ? e.ExpiresAtUnixMs : null);
}
