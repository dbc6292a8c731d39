using Google.Protobuf;
using KvActors.Protocol.Serialization.Proto;

namespace KvActors.Protocol.Serialization;

// Requests: what clients send.
public sealed partial class KvSerializer
{
    private static string? RequestManifest(object o) => o switch
    {
        Set => "set",
        Create => "create",
        Update => "update",
        Delete => "del",
        Increment => "incr",
        IncrementFloat => "incrf",
        Append => "append",
        SetRange => "setrange",
        SetExpiry => "expire",
        Rename => "rename",
        Clear => "clear",
        Batch => "batch",
        Get => "get",
        Exists => "exists",
        Scan => "scan",
        RandomKey => "randomkey",
        StaleRead => "stale-read",
        GetPartitionReplicas => "partition-replicas",
        GetReplicaStatus => "replica-status",
        GetStats => "stats",
        GetServerInfo => "server-info",
        ReadBackup => "backup-read",
        PartitionEnvelope => "partition",
        GetClusterMembers => "cluster-members",
        LeaveCluster => "cluster-leave",
        DownClusterMember => "cluster-down",
        _ => null,
    };

    private static IMessage? RequestToProto(object o) => o switch
    {
        Set m => WithExpected(new SetRequest { Key = m.Key, Value = Wrap(m.Value), Expiry = ToProto(m.Expiry), ReturnPrevious = m.ReturnPrevious }, m.ExpectedRevision),
        Create m => new CreateRequest { Key = m.Key, Value = Wrap(m.Value), Expiry = ToProto(m.Expiry) },
        Update m => WithExpected(new UpdateRequest { Key = m.Key, Value = Wrap(m.Value), Expiry = ToProto(m.Expiry), ReturnPrevious = m.ReturnPrevious }, m.ExpectedRevision),
        Delete m => WithExpected(new DeleteRequest { Key = m.Key, ReturnPrevious = m.ReturnPrevious }, m.ExpectedRevision),
        Increment m => new IncrementRequest { Key = m.Key, Delta = m.Delta },
        IncrementFloat m => new IncrementFloatRequest { Key = m.Key, Delta = m.Delta },
        Append m => new AppendRequest { Key = m.Key, Suffix = Wrap(m.Suffix) },
        SetRange m => new SetRangeRequest { Key = m.Key, Offset = m.Offset, Bytes = Wrap(m.Bytes) },
        SetExpiry m => ToProto(m),
        Rename m => new RenameRequest { Key = m.Key, NewKey = m.NewKey, OnlyIfAbsent = m.OnlyIfAbsent },
        Clear => new ClearRequest(),
        Batch m => ToProto(m),
        PartitionEnvelope m => new PartitionEnvelopeMessage { Partition = m.Partition, Request = ToNested(m.Request) },
        GetClusterMembers => new ClusterMembersRequest(),
        LeaveCluster m => new ClusterMemberAddress { Address = m.Address },
        DownClusterMember m => new ClusterMemberAddress { Address = m.Address },
        Get m => new GetRequest { Key = m.Key },
        Exists m => new ExistsRequest { Key = m.Key },
        Scan m => ToProto(m),
        RandomKey m => new RandomKeyRequest { Seed = m.Seed },
        StaleRead m => new StaleReadRequest { Query = ToNested(m.Query) },
        GetPartitionReplicas => new PartitionReplicasRequest(),
        GetReplicaStatus => new ReplicaStatusRequest(),
        GetStats => new StatsRequest(),
        GetServerInfo => new ServerInfoRequest(),
        ReadBackup m => new BackupReadRequest { Partition = m.Partition, Session = m.Session, Position = m.Position },
        _ => null,
    };

    private object? TryRequestFromBinary(byte[] bytes, string manifest) => manifest switch
    {
        "set" => FromProto(SetRequest.Parser.ParseFrom(bytes)),
        "create" => FromProto(CreateRequest.Parser.ParseFrom(bytes)),
        "update" => FromProto(UpdateRequest.Parser.ParseFrom(bytes)),
        "del" => FromProto(DeleteRequest.Parser.ParseFrom(bytes)),
        "incr" => FromProto(IncrementRequest.Parser.ParseFrom(bytes)),
        "incrf" => FromProto(IncrementFloatRequest.Parser.ParseFrom(bytes)),
        "append" => FromProto(AppendRequest.Parser.ParseFrom(bytes)),
        "setrange" => FromProto(SetRangeRequest.Parser.ParseFrom(bytes)),
        "expire" => FromProto(SetExpiryRequest.Parser.ParseFrom(bytes)),
        "rename" => FromProto(RenameRequest.Parser.ParseFrom(bytes)),
        "clear" => Clear.Instance,
        "batch" => FromProto(BatchRequest.Parser.ParseFrom(bytes), depth: 0),
        "partition" => FromProto(PartitionEnvelopeMessage.Parser.ParseFrom(bytes)),
        "cluster-members" => GetClusterMembers.Instance,
        "cluster-leave" => new LeaveCluster(ClusterMemberAddress.Parser.ParseFrom(bytes).Address),
        "cluster-down" => new DownClusterMember(ClusterMemberAddress.Parser.ParseFrom(bytes).Address),
        "get" => new Get(GetRequest.Parser.ParseFrom(bytes).Key),
        "exists" => new Exists(ExistsRequest.Parser.ParseFrom(bytes).Key),
        "scan" => FromProto(ScanRequest.Parser.ParseFrom(bytes)),
        "randomkey" => new RandomKey(RandomKeyRequest.Parser.ParseFrom(bytes).Seed),
        "stale-read" => FromProto(StaleReadRequest.Parser.ParseFrom(bytes)),
        "partition-replicas" => GetPartitionReplicas.Instance,
        "replica-status" => GetReplicaStatus.Instance,
        "stats" => GetStats.Instance,
        "server-info" => GetServerInfo.Instance,
        "backup-read" => FromProto(BackupReadRequest.Parser.ParseFrom(bytes)),
        _ => null,
    };

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

    private static SetExpiryRequest ToProto(SetExpiry m)
    {
        var proto = new SetExpiryRequest { Key = m.Key, Condition = (int)m.Condition };
        if (m.AtUnixMs is { } at) proto.AtUnixMs = at;
        return proto;
    }

    private static BatchRequest ToProto(Batch m)
    {
        var proto = new BatchRequest { AllOrNothing = m.AllOrNothing };
        foreach (var r in m.Requests) proto.Requests.Add(ToNested(r));
        return proto;
    }

    private static ScanRequest ToProto(Scan m)
    {
        var proto = new ScanRequest { Prefix = m.Prefix, Limit = m.Limit };
        if (m.After is not null) proto.After = m.After;
        return proto;
    }

    private static Set FromProto(SetRequest m) => new(
        m.Key, m.Value.ToByteArray(), m.HasExpectedRevision ? m.ExpectedRevision : null, FromProto(m.Expiry), m.ReturnPrevious);

    private static Create FromProto(CreateRequest m) => new(m.Key, m.Value.ToByteArray(), FromProto(m.Expiry));

    private static Update FromProto(UpdateRequest m) => new(
        m.Key, m.Value.ToByteArray(), m.HasExpectedRevision ? m.ExpectedRevision : null, FromProto(m.Expiry), m.ReturnPrevious);

    private static Delete FromProto(DeleteRequest m) =>
        new(m.Key, m.HasExpectedRevision ? m.ExpectedRevision : null, m.ReturnPrevious);

    private static Increment FromProto(IncrementRequest m) => new(m.Key, m.Delta);

    private static IncrementFloat FromProto(IncrementFloatRequest m) => new(m.Key, m.Delta);

    private static Append FromProto(AppendRequest m) => new(m.Key, m.Suffix.ToByteArray());

    private static SetRange FromProto(SetRangeRequest m) => new(m.Key, m.Offset, m.Bytes.ToByteArray());

    private static SetExpiry FromProto(SetExpiryRequest m) => new(
        m.Key, m.HasAtUnixMs ? m.AtUnixMs : null,
        Enum.IsDefined(typeof(ExpiryCondition), m.Condition) ? (ExpiryCondition)m.Condition
            : throw new System.Runtime.Serialization.SerializationException($"unknown expiry condition {m.Condition}"));

    private static Rename FromProto(RenameRequest m) => new(m.Key, m.NewKey, m.OnlyIfAbsent);

    // An envelope carries one request, never another envelope.
    private PartitionEnvelope FromProto(PartitionEnvelopeMessage m) => m.Request.Manifest != "partition"
        && FromNested(m.Request) is IKvRequest request
        ? new PartitionEnvelope(m.Partition, request)
        : throw new System.Runtime.Serialization.SerializationException($"partition envelope holds a non-request '{m.Request.Manifest}'");

    // Nesting is checked before anything is parsed: a hostile, deeply nested batch must cost one error, not a
    // deep recursion over ever smaller copies of the same bytes.
    private Batch FromProto(BatchRequest m, int depth) => new(
        m.Requests.Select(n => n.Manifest == "batch"
            ? FromProto(BatchRequest.Parser.ParseFrom(n.Payload), NestedDepth(depth))
            : FromNested(n) as IKvRequest
              ?? throw new System.Runtime.Serialization.SerializationException($"batch holds a non-request '{n.Manifest}'")).ToArray(),
        m.AllOrNothing);

    // A stale read wraps one plain query, never another stale read (checked before the inner bytes are parsed).
    private StaleRead FromProto(StaleReadRequest m) => m.Query is { } nested && nested.Manifest != "stale-read"
        && FromNested(nested) is IKvQuery query
        ? new StaleRead(query)
        : throw new System.Runtime.Serialization.SerializationException($"stale read holds a non-query '{m.Query?.Manifest}'");

    private static ReadBackup FromProto(BackupReadRequest m) => new(m.Partition, m.Session, m.Position);

    private static Scan FromProto(ScanRequest m) => new(m.Prefix, m.HasAfter ? m.After : null, m.Limit);
}
