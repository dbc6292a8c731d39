using Google.Protobuf;
using KvActors.Protocol.Serialization.Proto;

namespace KvActors.Protocol.Serialization;

// Journal events and snapshots: the stored history. Every data directory ever written must stay readable.
public sealed partial class KvSerializer
{
    private static string? JournalManifest(object o) => o switch
    {
        KeyWritten => "e-written",
        KeyDeleted => "e-deleted",
        KeyExpiryChanged => "e-expiry",
        StoreCleared => "e-cleared",
        StoreSnapshot => "s-store",
        _ => null,
    };

    private static IMessage? JournalToProto(object o) => o switch
    {
        KeyWritten m => ToProto(m),
        KeyDeleted m => new KeyDeletedEvent { Key = m.Key, Revision = m.Revision },
        KeyExpiryChanged m => ToProto(m),
        StoreCleared m => new StoreClearedEvent { Revision = m.Revision },
        StoreSnapshot m => ToProto(m),
        _ => null,
    };

    private static object? TryJournalFromBinary(byte[] bytes, string manifest) => manifest switch
    {
        "e-written" => FromProto(KeyWrittenEvent.Parser.ParseFrom(bytes)),
        "e-deleted" => FromProto(KeyDeletedEvent.Parser.ParseFrom(bytes)),
        "e-expiry" => FromProto(KeyExpiryChangedEvent.Parser.ParseFrom(bytes)),
        "e-cleared" => new StoreCleared(StoreClearedEvent.Parser.ParseFrom(bytes).Revision),
        "s-store" => FromProto(Snapshot.Parser.ParseFrom(bytes)),
        _ => null,
    };

    private static KeyWrittenEvent ToProto(KeyWritten m)
    {
        var proto = new KeyWrittenEvent { Key = m.Key, Value = Wrap(m.Value), Revision = m.Revision };
        if (m.ExpiresAtUnixMs is { } at) proto.ExpiresAtUnixMs = at;
        return proto;
    }

    private static KeyExpiryChangedEvent ToProto(KeyExpiryChanged m)
    {
        var proto = new KeyExpiryChangedEvent { Key = m.Key, Revision = m.Revision };
        if (m.ExpiresAtUnixMs is { } at) proto.ExpiresAtUnixMs = at;
        return proto;
    }

    private static Snapshot ToProto(StoreSnapshot m)
    {
        var proto = new Snapshot { Revision = m.Revision };
        proto.Entries.Capacity = m.Entries.Count;
        foreach (var e in m.Entries) proto.Entries.Add(ToProto(e));
        return proto;
    }

    private static KeyWritten FromProto(KeyWrittenEvent m) =>
        new(m.Key, m.Value.ToByteArray(), m.Revision, m.HasExpiresAtUnixMs ? m.ExpiresAtUnixMs : null);

    private static KeyDeleted FromProto(KeyDeletedEvent m) => new(m.Key, m.Revision);

    private static KeyExpiryChanged FromProto(KeyExpiryChangedEvent m) =>
        new(m.Key, m.HasExpiresAtUnixMs ? m.ExpiresAtUnixMs : null, m.Revision);

    private static StoreSnapshot FromProto(Snapshot m) => new(m.Revision, m.Entries.Select(FromProto).ToArray());
}
