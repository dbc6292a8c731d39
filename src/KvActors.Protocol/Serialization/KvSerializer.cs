using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using KvActors.Protocol.Serialization.Proto;

namespace KvActors.Protocol.Serialization;

/// <summary>
/// Protobuf serializer for every protocol type, on the wire and in the journal. The manifest names the
/// type; the protobuf body carries the fields. Manifests are part of the stored format: never reuse one.
/// </summary>
public sealed class KvSerializer : SerializerWithStringManifest
{
    // Requests
    private const string SetManifest = "set";
    private const string CreateManifest = "create";
    private const string UpdateManifest = "update";
    private const string DeleteManifest = "del";
    private const string GetManifest = "get";
    private const string ExistsManifest = "exists";
    private const string ScanManifest = "scan";
    private const string StatsManifest = "stats";

    // Replies
    private const string WrittenManifest = "r-written";
    private const string DeletedManifest = "r-deleted";
    private const string FoundManifest = "r-found";
    private const string ExistsResultManifest = "r-exists";
    private const string ScanPageManifest = "r-scan";
    private const string StoreStatsManifest = "r-stats";
    private const string ErrorManifest = "r-error";

    // Journal
    private const string KeyWrittenManifest = "e-written";
    private const string KeyDeletedManifest = "e-deleted";
    private const string SnapshotManifest = "s-store";

    public KvSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => 7301;

    public override string Manifest(object o) => o switch
    {
        Set => SetManifest,
        Create => CreateManifest,
        Update => UpdateManifest,
        Delete => DeleteManifest,
        Get => GetManifest,
        Exists => ExistsManifest,
        Scan => ScanManifest,
        GetStats => StatsManifest,
        Written => WrittenManifest,
        Deleted => DeletedManifest,
        Found => FoundManifest,
        ExistsResult => ExistsResultManifest,
        ScanPage => ScanPageManifest,
        StoreStats => StoreStatsManifest,
        KvError => ErrorManifest,
        KeyWritten => KeyWrittenManifest,
        KeyDeleted => KeyDeletedManifest,
        StoreSnapshot => SnapshotManifest,
        _ => throw new ArgumentException($"KvSerializer cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => ToProto(obj).ToByteArray();

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        SetManifest => FromProto(SetRequest.Parser.ParseFrom(bytes)),
        CreateManifest => FromProto(CreateRequest.Parser.ParseFrom(bytes)),
        UpdateManifest => FromProto(UpdateRequest.Parser.ParseFrom(bytes)),
        DeleteManifest => FromProto(DeleteRequest.Parser.ParseFrom(bytes)),
        GetManifest => new Get(GetRequest.Parser.ParseFrom(bytes).Key),
        ExistsManifest => new Exists(ExistsRequest.Parser.ParseFrom(bytes).Key),
        ScanManifest => FromProto(ScanRequest.Parser.ParseFrom(bytes)),
        StatsManifest => GetStats.Instance,
        WrittenManifest => new Written(WrittenReply.Parser.ParseFrom(bytes).Revision),
        DeletedManifest => new Deleted(DeletedReply.Parser.ParseFrom(bytes).Revision),
        FoundManifest => FromProto(FoundReply.Parser.ParseFrom(bytes)),
        ExistsResultManifest => FromProto(ExistsReply.Parser.ParseFrom(bytes)),
        ScanPageManifest => FromProto(ScanReply.Parser.ParseFrom(bytes)),
        StoreStatsManifest => FromProto(StatsReply.Parser.ParseFrom(bytes)),
        ErrorManifest => FromProto(ErrorReply.Parser.ParseFrom(bytes)),
        KeyWrittenManifest => FromProto(KeyWrittenEvent.Parser.ParseFrom(bytes)),
        KeyDeletedManifest => FromProto(KeyDeletedEvent.Parser.ParseFrom(bytes)),
        SnapshotManifest => FromProto(Snapshot.Parser.ParseFrom(bytes)),
        _ => throw new System.Runtime.Serialization.SerializationException($"KvSerializer does not know manifest '{manifest}'"),
    };

    private static IMessage ToProto(object obj) => obj switch
    {
        Set m => WithExpected(new SetRequest { Key = m.Key, Value = Wrap(m.Value) }, m.ExpectedRevision),
        Create m => new CreateRequest { Key = m.Key, Value = Wrap(m.Value) },
        Update m => WithExpected(new UpdateRequest { Key = m.Key, Value = Wrap(m.Value) }, m.ExpectedRevision),
        Delete m => WithExpected(new DeleteRequest { Key = m.Key }, m.ExpectedRevision),
        Get m => new GetRequest { Key = m.Key },
        Exists m => new ExistsRequest { Key = m.Key },
        Scan m => ToProto(m),
        GetStats => new StatsRequest(),
        Written m => new WrittenReply { Revision = m.Revision },
        Deleted m => new DeletedReply { Revision = m.Revision },
        Found m => new FoundReply { Value = Wrap(m.Value), Revision = m.Revision },
        ExistsResult m => new ExistsReply { Exists = m.Exists, Revision = m.Revision },
        ScanPage m => ToProto(m),
        StoreStats m => new StatsReply
        {
            Keys = m.Keys,
            Revision = m.Revision,
            JournalSequenceNr = m.JournalSequenceNr,
            SnapshotSequenceNr = m.SnapshotSequenceNr,
            DataDirectory = m.DataDirectory,
            UptimeMs = (long)m.Uptime.TotalMilliseconds,
        },
        KvError m => new ErrorReply { Code = (int)m.Code, Message = m.Message },
        KeyWritten m => new KeyWrittenEvent { Key = m.Key, Value = Wrap(m.Value), Revision = m.Revision },
        KeyDeleted m => new KeyDeletedEvent { Key = m.Key, Revision = m.Revision },
        StoreSnapshot m => ToProto(m),
        _ => throw new ArgumentException($"KvSerializer cannot serialize {obj.GetType()}", nameof(obj)),
    };

    // Values are immutable by convention (see Requests.cs), so wrapping instead of copying is safe.
    private static ByteString Wrap(byte[] value) => UnsafeByteOperations.UnsafeWrap(value);

    private static SetRequest WithExpected(SetRequest m, long? expected)
    {
        if (expected is { } e) m.ExpectedRevision = e;
        return m;
    }

    private static UpdateRequest WithExpected(UpdateRequest m, long? expected)
    {
        if (expected is { } e) m.ExpectedRevision = e;
        return m;
    }

    private static DeleteRequest WithExpected(DeleteRequest m, long? expected)
    {
        if (expected is { } e) m.ExpectedRevision = e;
        return m;
    }

    private static ScanRequest ToProto(Scan m)
    {
        var proto = new ScanRequest { Prefix = m.Prefix, Limit = m.Limit };
        if (m.After is not null) proto.After = m.After;
        return proto;
    }

    private static ScanReply ToProto(ScanPage m)
    {
        var proto = new ScanReply { StoreRevision = m.StoreRevision };
        if (m.NextCursor is not null) proto.NextCursor = m.NextCursor;
        foreach (var e in m.Entries) proto.Entries.Add(ToProto(e));
        return proto;
    }

    private static Snapshot ToProto(StoreSnapshot m)
    {
        var proto = new Snapshot { Revision = m.Revision };
        proto.Entries.Capacity = m.Entries.Count;
        foreach (var e in m.Entries) proto.Entries.Add(ToProto(e));
        return proto;
    }

    private static Entry ToProto(KvEntry e) => new() { Key = e.Key, Value = Wrap(e.Value), Revision = e.Revision };

    private static KvEntry FromProto(Entry e) => new(e.Key, e.Value.ToByteArray(), e.Revision);

    private static Set FromProto(SetRequest m) =>
        new(m.Key, m.Value.ToByteArray(), m.HasExpectedRevision ? m.ExpectedRevision : null);

    private static Create FromProto(CreateRequest m) => new(m.Key, m.Value.ToByteArray());

    private static Update FromProto(UpdateRequest m) =>
        new(m.Key, m.Value.ToByteArray(), m.HasExpectedRevision ? m.ExpectedRevision : null);

    private static Delete FromProto(DeleteRequest m) => new(m.Key, m.HasExpectedRevision ? m.ExpectedRevision : null);

    private static Scan FromProto(ScanRequest m) => new(m.Prefix, m.HasAfter ? m.After : null, m.Limit);

    private static Found FromProto(FoundReply m) => new(m.Value.ToByteArray(), m.Revision);

    private static ExistsResult FromProto(ExistsReply m) => new(m.Exists, m.Revision);

    private static ScanPage FromProto(ScanReply m) =>
        new(m.Entries.Select(FromProto).ToArray(), m.HasNextCursor ? m.NextCursor : null, m.StoreRevision);

    private static StoreStats FromProto(StatsReply m) => new(
        m.Keys, m.Revision, m.JournalSequenceNr, m.SnapshotSequenceNr, m.DataDirectory,
        TimeSpan.FromMilliseconds(m.UptimeMs));

    // An unknown code from a newer server is still an error; keep its number visible in the message.
    private static KvError FromProto(ErrorReply m) => Enum.IsDefined(typeof(ErrorCode), m.Code)
        ? new KvError((ErrorCode)m.Code, m.Message)
        : new KvError(ErrorCode.Unavailable, $"unknown error code {m.Code}: {m.Message}");

    private static KeyWritten FromProto(KeyWrittenEvent m) => new(m.Key, m.Value.ToByteArray(), m.Revision);

    private static KeyDeleted FromProto(KeyDeletedEvent m) => new(m.Key, m.Revision);

    private static StoreSnapshot FromProto(Snapshot m) => new(m.Revision, m.Entries.Select(FromProto).ToArray());
}
