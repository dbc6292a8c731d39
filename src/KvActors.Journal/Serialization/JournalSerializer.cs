using System.Globalization;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using KvActors.Journal.Serialization.Proto;
using KvActors.Protocol;
using KvActors.Protocol.Serialization;

namespace KvActors.Journal.Serialization;

/// <summary>
/// The server's serializer: journal events and snapshots itself, every wire message through the protocol's
/// <see cref="KvSerializer"/>. It is registered in KvSerializer's place, under its name and identifier (7301): the
/// rows of every existing journal say 7301 with the manifests below, and a client, which has KvSerializer alone,
/// reads what a server sends unchanged. Events are protobuf messages (see Proto/journal.proto for the compatibility
/// rules); snapshots have a flat form of their own (<see cref="SnapshotFormat"/>). Manifests are part of the stored
/// format: never reuse or rename one.
/// </summary>
public sealed class JournalSerializer : SerializerWithStringManifest
{
    private const string ChangeSetManifest = "e-changes";

    private readonly KvSerializer _wire;

    public JournalSerializer(ExtendedActorSystem system) : base(system) => _wire = new KvSerializer(system);

    public override int Identifier => _wire.Identifier;

    public override string Manifest(object o) => StoredManifest(o) ?? _wire.Manifest(o);

    public override byte[] ToBinary(object obj) => obj switch
    {
        StoreSnapshot snapshot => SnapshotFormat.Write(snapshot),
        _ => ToProto(obj)?.ToByteArray() ?? _wire.ToBinary(obj),
    };

    public override object FromBinary(byte[] bytes, string manifest) => StoredFromBinary(bytes, manifest) ?? _wire.FromBinary(bytes, manifest);

    private static string? StoredManifest(object o) => o switch
    {
        KeyWritten => "e-written",
        KeyDeleted => "e-deleted",
        KeyExpiryChanged => "e-expiry",
        StoreCleared => "e-cleared",
        // The ownership epoch rides in the manifest, which the journal stores in a column of its own: that is what
        // the database's fencing trigger checks (see SqliteOwnershipTable, PostgresOwnershipTable). "e-changes"
        // alone is a record from before fencing.
        ChangeSet { Epoch: > 0 } m => $"{ChangeSetManifest}@{m.Epoch.ToString(CultureInfo.InvariantCulture)}",
        ChangeSet => ChangeSetManifest,
        StoreSnapshot => "s-store2",
        PartitionLayoutRecorded => "e-layout",
        _ => null,
    };

    private static IMessage? ToProto(object o) => o switch
    {
        KeyWritten m => ToProto(m),
        KeyDeleted m => ToProto(m),
        KeyExpiryChanged m => ToProto(m),
        StoreCleared m => ToProto(m),
        ChangeSet m => ToProto(m),
        PartitionLayoutRecorded m => new PartitionLayoutEvent { PartitionCount = m.PartitionCount },
        _ => null,
    };

    private static object? StoredFromBinary(byte[] bytes, string manifest) => manifest switch
    {
        _ when manifest.StartsWith(ChangeSetManifest + "@", StringComparison.Ordinal) =>
            FromProto(ChangeSetEvent.Parser.ParseFrom(bytes)) with { Epoch = ParseEpoch(manifest[(ChangeSetManifest.Length + 1)..]) },
        "e-written" => FromProto(KeyWrittenEvent.Parser.ParseFrom(bytes)),
        "e-deleted" => FromProto(KeyDeletedEvent.Parser.ParseFrom(bytes)),
        "e-expiry" => FromProto(KeyExpiryChangedEvent.Parser.ParseFrom(bytes)),
        "e-cleared" => new StoreCleared(StoreClearedEvent.Parser.ParseFrom(bytes).Revision),
        ChangeSetManifest => FromProto(ChangeSetEvent.Parser.ParseFrom(bytes)),
        "s-store" => FromProto(Snapshot.Parser.ParseFrom(bytes)), // written before s-store2; still read
        "s-store2" => SnapshotFormat.Read(bytes),
        "e-layout" => new PartitionLayoutRecorded(PartitionLayoutEvent.Parser.ParseFrom(bytes).PartitionCount),
        _ => null,
    };

    private static long ParseEpoch(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch > 0
            ? epoch
            : throw new SerializationException($"'{text}' is not an ownership epoch");

    // Values are immutable by convention (see the protocol's Requests.cs), so wrapping instead of copying is safe.
    private static ByteString Wrap(byte[] value) => UnsafeByteOperations.UnsafeWrap(value);

    private static KeyWrittenEvent ToProto(KeyWritten m)
    {
        var proto = new KeyWrittenEvent { Key = m.Key, Value = Wrap(m.Value), Revision = m.Revision };
        if (m.ExpiresAtUnixMs is { } at) proto.ExpiresAtUnixMs = at;
        return proto;
    }

    private static KeyDeletedEvent ToProto(KeyDeleted m) => new() { Key = m.Key, Revision = m.Revision };

    private static KeyExpiryChangedEvent ToProto(KeyExpiryChanged m)
    {
        var proto = new KeyExpiryChangedEvent { Key = m.Key, Revision = m.Revision };
        if (m.ExpiresAtUnixMs is { } at) proto.ExpiresAtUnixMs = at;
        return proto;
    }

    private static StoreClearedEvent ToProto(StoreCleared m) => new() { Revision = m.Revision };

    private static ChangeSetEvent ToProto(ChangeSet m)
    {
        var proto = new ChangeSetEvent();
        proto.Changes.Capacity = m.Changes.Count;
        foreach (var change in m.Changes)
        {
            proto.Changes.Add(change switch
            {
                KeyWritten e => new Change { Written = ToProto(e) },
                KeyDeleted e => new Change { Deleted = ToProto(e) },
                KeyExpiryChanged e => new Change { Expiry = ToProto(e) },
                StoreCleared e => new Change { Cleared = ToProto(e) },
                _ => throw new ArgumentException($"JournalSerializer cannot store change {change.GetType()}"),
            });
        }

        return proto;
    }

    private static ChangeSet FromProto(ChangeSetEvent m) => new(m.Changes.Select(FromProto).ToArray());

    private static IKvEvent FromProto(Change c) => c.KindCase switch
    {
        Change.KindOneofCase.Written => FromProto(c.Written),
        Change.KindOneofCase.Deleted => FromProto(c.Deleted),
        Change.KindOneofCase.Expiry => FromProto(c.Expiry),
        Change.KindOneofCase.Cleared => new StoreCleared(c.Cleared.Revision),
        _ => throw new SerializationException($"unknown change kind {c.KindCase}"),
    };

    private static KeyWritten FromProto(KeyWrittenEvent m) =>
        new(m.Key, m.Value.ToByteArray(), m.Revision, m.HasExpiresAtUnixMs ? m.ExpiresAtUnixMs : null);

    private static KeyDeleted FromProto(KeyDeletedEvent m) => new(m.Key, m.Revision);

    private static KeyExpiryChanged FromProto(KeyExpiryChangedEvent m) =>
        new(m.Key, m.HasExpiresAtUnixMs ? m.ExpiresAtUnixMs : null, m.Revision);

    private static StoreSnapshot FromProto(Snapshot m) => new(m.Revision, m.Entries.Select(FromProto).ToArray());

    private static KvEntry FromProto(SnapshotEntry e) =>
        new(e.Key, e.Value.ToByteArray(), e.Revision, e.HasExpiresAtUnixMs ? e.ExpiresAtUnixMs : null);
}
