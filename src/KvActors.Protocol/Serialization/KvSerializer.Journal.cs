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
        // The ownership epoch rides in the manifest, which the journal stores in a column of its own: that is what
        // the database's fencing trigger checks (see OwnershipSchema). "e-changes" alone is a record from before.
        ChangeSet { Epoch: > 0 } m => $"{ChangeSetManifest}@{m.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        ChangeSet => ChangeSetManifest,
        StoreSnapshot => "s-store2",
        PartitionLayoutRecorded => "e-layout",
        _ => null,
    };

    private static IMessage? JournalToProto(object o) => o switch
    {
        KeyWritten m => ToProto(m),
        KeyDeleted m => new KeyDeletedEvent { Key = m.Key, Revision = m.Revision },
        KeyExpiryChanged m => ToProto(m),
        StoreCleared m => new StoreClearedEvent { Revision = m.Revision },
        ChangeSet m => ToProto(m),
        PartitionLayoutRecorded m => new PartitionLayoutEvent { PartitionCount = m.PartitionCount },
        _ => null,
    };

    private const string ChangeSetManifest = "e-changes";

    private static object? TryJournalFromBinary(byte[] bytes, string manifest) => manifest switch
    {
        _ when manifest.StartsWith(ChangeSetManifest + "@", StringComparison.Ordinal) =>
            FromProto(ChangeSetEvent.Parser.ParseFrom(bytes)) with { Epoch = ParseEpoch(manifest[(ChangeSetManifest.Length + 1)..]) },
        "e-written" => FromProto(KeyWrittenEvent.Parser.ParseFrom(bytes)),
        "e-deleted" => FromProto(KeyDeletedEvent.Parser.ParseFrom(bytes)),
        "e-expiry" => FromProto(KeyExpiryChangedEvent.Parser.ParseFrom(bytes)),
        "e-cleared" => new StoreCleared(StoreClearedEvent.Parser.ParseFrom(bytes).Revision),
        "e-changes" => FromProto(ChangeSetEvent.Parser.ParseFrom(bytes)),
        "s-store" => FromProto(Snapshot.Parser.ParseFrom(bytes)), // written before s-store2; still read
        "s-store2" => SnapshotFormat.Read(bytes),
        "e-layout" => new PartitionLayoutRecorded(PartitionLayoutEvent.Parser.ParseFrom(bytes).PartitionCount),
        _ => null,
    };

    private static long ParseEpoch(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epoch) && epoch > 0
            ? epoch
            : throw new System.Runtime.Serialization.SerializationException($"'{text}' is not an ownership epoch");

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

    private static ChangeSetEvent ToProto(ChangeSet m)
    {
        var proto = new ChangeSetEvent();
        proto.Changes.Capacity = m.Changes.Count;
        foreach (var change in m.Changes)
        {
            proto.Changes.Add(change switch
            {
                KeyWritten e => new Change { Written = ToProto(e) },
                KeyDeleted e => new Change { Deleted = new KeyDeletedEvent { Key = e.Key, Revision = e.Revision } },
                KeyExpiryChanged e => new Change { Expiry = ToProto(e) },
                StoreCleared e => new Change { Cleared = new StoreClearedEvent { Revision = e.Revision } },
                _ => throw new ArgumentException($"KvSerializer cannot store change {change.GetType()}"),
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
        _ => throw new System.Runtime.Serialization.SerializationException($"unknown change kind {c.KindCase}"),
    };

    private static KeyWritten FromProto(KeyWrittenEvent m) =>
        new(m.Key, m.Value.ToByteArray(), m.Revision, m.HasExpiresAtUnixMs ? m.ExpiresAtUnixMs : null);

    private static KeyDeleted FromProto(KeyDeletedEvent m) => new(m.Key, m.Revision);

    private static KeyExpiryChanged FromProto(KeyExpiryChangedEvent m) =>
        new(m.Key, m.HasExpiresAtUnixMs ? m.ExpiresAtUnixMs : null, m.Revision);

    private static StoreSnapshot FromProto(Snapshot m) => new(m.Revision, m.Entries.Select(FromProto).ToArray());
}
