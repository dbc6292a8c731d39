using Google.Protobuf;
using KvActors.Protocol.Serialization.Proto;

namespace KvActors.Protocol.Serialization;

// Replies: what the server answers.
public sealed partial class KvSerializer
{
    private static string? ReplyManifest(object o) => o switch
    {
        Written => "r-written",
        Deleted => "r-deleted",
        Found => "r-found",
        ExistsResult => "r-exists",
        ExpiryResult => "r-expiry",
        RandomKeyResult => "r-randomkey",
        BatchResult => "r-batch",
        ScanPage => "r-scan",
        StoreStats => "r-stats",
        ClusterMembers => "r-cluster",
        ReplicaStatus => "r-replica",
        PartitionReplicas => "r-partition-replicas",
        ServerInfo => "r-server-info",
        BackupPage => "r-backup-page",
        KvError => "r-error",
        _ => null,
    };

    private static IMessage? ReplyToProto(object o) => o switch
    {
        Written m => WithPrevious(new WrittenReply { Revision = m.Revision }, m.Previous),
        Deleted m => WithPrevious(new DeletedReply { Revision = m.Revision }, m.Previous),
        Found m => ToProto(m),
        ExistsResult m => new ExistsReply { Exists = m.Exists, Revision = m.Revision },
        ExpiryResult m => new ExpiryReply { Applied = m.Applied, Revision = m.Revision },
        RandomKeyResult m => m.Key is null ? new RandomKeyReply() : new RandomKeyReply { Key = m.Key },
        BatchResult m => ToProto(m),
        ScanPage m => ToProto(m),
        StoreStats m => ToProto(m),
        KvError m => new ErrorReply { Code = (int)m.Code, Message = m.Message },
        ClusterMembers m => ToProto(m),
        ReplicaStatus m => ToProto(m),
        PartitionReplicas m => ToProto(m),
        ServerInfo m => new ServerInfoReply { MaxValueBytes = m.MaxValueBytes },
        BackupPage m => ToProto(m),
        _ => null,
    };

    private object? TryReplyFromBinary(byte[] bytes, string manifest) => manifest switch
    {
        "r-written" => FromProto(WrittenReply.Parser.ParseFrom(bytes)),
        "r-deleted" => FromProto(DeletedReply.Parser.ParseFrom(bytes)),
        "r-found" => FromProto(FoundReply.Parser.ParseFrom(bytes)),
        "r-exists" => FromProto(ExistsReply.Parser.ParseFrom(bytes)),
        "r-expiry" => FromProto(ExpiryReply.Parser.ParseFrom(bytes)),
        "r-randomkey" => FromProto(RandomKeyReply.Parser.ParseFrom(bytes)),
        "r-batch" => FromProto(BatchReply.Parser.ParseFrom(bytes), depth: 0),
        "r-scan" => FromProto(ScanReply.Parser.ParseFrom(bytes)),
        "r-stats" => FromProto(StatsReply.Parser.ParseFrom(bytes)),
        "r-cluster" => FromProto(ClusterMembersReply.Parser.ParseFrom(bytes)),
        "r-replica" => FromProto(ReplicaStatusReply.Parser.ParseFrom(bytes)),
        "r-partition-replicas" => new PartitionReplicas(PartitionReplicasReply.Parser.ParseFrom(bytes).Replicas.Select(FromProto).ToArray()),
        "r-server-info" => new ServerInfo(ServerInfoReply.Parser.ParseFrom(bytes).MaxValueBytes),
        "r-error" => FromProto(ErrorReply.Parser.ParseFrom(bytes)),
        "r-backup-page" => FromProto(BackupPageReply.Parser.ParseFrom(bytes)),
        _ => null,
    };

    private static WrittenReply WithPrevious(WrittenReply m, byte[]? previous)
    {
        if (previous is not null) m.Previous = Wrap(previous);
        return m;
    }

    private static DeletedReply WithPrevious(DeletedReply m, byte[]? previous)
    {
        if (previous is not null) m.Previous = Wrap(previous);
        return m;
    }

    private static FoundReply ToProto(Found m)
    {
        var proto = new FoundReply { Value = Wrap(m.Value), Revision = m.Revision };
        if (m.ExpiresAtUnixMs is { } at) proto.ExpiresAtUnixMs = at;
        return proto;
    }

    private static BatchReply ToProto(BatchResult m)
    {
        var proto = new BatchReply();
        foreach (var r in m.Replies) proto.Replies.Add(ToNested(r));
        return proto;
    }

    private static ScanReply ToProto(ScanPage m)
    {
        var proto = new ScanReply { StoreRevision = m.StoreRevision };
        if (m.NextCursor is not null) proto.NextCursor = m.NextCursor;
        foreach (var e in m.Entries) proto.Entries.Add(ToProto(e));
        return proto;
    }

    private static BackupPageReply ToProto(BackupPage m)
    {
        var proto = new BackupPageReply { Partition = m.Partition, Session = m.Session, Revision = m.Revision, TotalKeys = m.TotalKeys };
        if (m.NextPosition is { } next) proto.NextPosition = next;
        foreach (var e in m.Entries) proto.Entries.Add(ToProto(e));
        return proto;
    }

    private static BackupPage FromProto(BackupPageReply m) => new(
        m.Partition, m.Session, m.Revision, m.TotalKeys, m.Entries.Select(FromProto).ToArray(), m.HasNextPosition ? m.NextPosition : null);

    private static Written FromProto(WrittenReply m) => new(m.Revision, m.HasPrevious ? m.Previous.ToByteArray() : null);

    private static Deleted FromProto(DeletedReply m) => new(m.Revision, m.HasPrevious ? m.Previous.ToByteArray() : null);

    private static Found FromProto(FoundReply m) =>
        new(m.Value.ToByteArray(), m.Revision, m.HasExpiresAtUnixMs ? m.ExpiresAtUnixMs : null);

    private static ExistsResult FromProto(ExistsReply m) => new(m.Exists, m.Revision);

    private static ExpiryResult FromProto(ExpiryReply m) => new(m.Applied, m.Revision);

    private static RandomKeyResult FromProto(RandomKeyReply m) => new(m.HasKey ? m.Key : null);

    private BatchResult FromProto(BatchReply m, int depth) => new(
        m.Replies.Select(n => n.Manifest == "r-batch"
            ? FromProto(BatchReply.Parser.ParseFrom(n.Payload), NestedDepth(depth))
            : FromNested(n) as IKvReply
              ?? throw new System.Runtime.Serialization.SerializationException($"batch result holds a non-reply '{n.Manifest}'")).ToArray());

    private static ScanPage FromProto(ScanReply m) =>
        new(m.Entries.Select(FromProto).ToArray(), m.HasNextCursor ? m.NextCursor : null, m.StoreRevision);

    private static ClusterMembersReply ToProto(ClusterMembers m)
    {
        var proto = new ClusterMembersReply();
        if (m.Leader is { } leader) proto.Leader = leader;
        foreach (var member in m.Members)
        {
            var info = new ClusterMemberInfo { Address = member.Address, Status = member.Status, Reachable = member.Reachable };
            info.Roles.AddRange(member.Roles);
            info.Partitions.AddRange(member.Partitions);
            proto.Members.Add(info);
        }

        return proto;
    }

    private static ClusterMembers FromProto(ClusterMembersReply m) => new(
        m.Members.Select(i => new ClusterMember(i.Address, i.Status, i.Roles.ToArray(), i.Reachable, i.Partitions.ToArray())).ToArray(),
        m.HasLeader ? m.Leader : null);

    private static ReplicaStatusReply ToProto(ReplicaStatus m) => new()
    {
        Partition = m.Partition, Node = m.Node, ReplicaId = m.ReplicaId, Role = m.Role, Term = m.Term, LeaderId = m.LeaderId,
        Commit = m.Commit, Applied = m.Applied, LastIndex = m.LastIndex,
    };

    private static ReplicaStatus FromProto(ReplicaStatusReply m) =>
        new(m.Partition, m.Node, m.ReplicaId, m.Role, m.Term, m.LeaderId, m.Commit, m.Applied, m.LastIndex);

    private static PartitionReplicasReply ToProto(PartitionReplicas m)
    {
        var proto = new PartitionReplicasReply();
        proto.Replicas.AddRange(m.Replicas.Select(ToProto));
        return proto;
    }

    private static StatsReply ToProto(StoreStats m)
    {
        var proto = new StatsReply
        {
            Keys = m.Keys,
            Revision = m.Revision,
            JournalSequenceNr = m.JournalSequenceNr,
            SnapshotSequenceNr = m.SnapshotSequenceNr,
            DataDirectory = m.DataDirectory,
            UptimeMs = (long)m.Uptime.TotalMilliseconds,
            Partitions = m.Partitions,
            Node = m.Node,
        };
        foreach (var r in m.Recoveries)
        {
            proto.Recoveries.Add(new PartitionRecoveryInfo
            {
                Partition = r.Partition,
                Node = r.Node,
                StartedAtUnixMs = r.StartedAt.ToUnixTimeMilliseconds(),
                DurationUs = r.Duration.Ticks / TimeSpan.TicksPerMicrosecond,
            });
        }

        if (m.Cluster is { } cluster) proto.Cluster = ToProto(cluster);
        if (m.Replication is { } replication) proto.Replication = ToProto(replication);
        return proto;
    }

    private static StoreStats FromProto(StatsReply m) => new(
        m.Keys, m.Revision, m.JournalSequenceNr, m.SnapshotSequenceNr, m.DataDirectory,
        Duration(m.UptimeMs, TimeSpan.TicksPerMillisecond), Math.Max(1, m.Partitions))
    {
        Node = m.Node,
        Recoveries = m.Recoveries.Select(r => new PartitionRecovery(
            r.Partition, r.Node, Instant(r.StartedAtUnixMs), Duration(r.DurationUs, TimeSpan.TicksPerMicrosecond))).ToArray(),
        Cluster = m.Cluster is { } cluster ? FromProto(cluster) : null,
        Replication = m.Replication is { } replication ? new PartitionReplicas(replication.Replicas.Select(FromProto).ToArray()) : null,
    };

    // Times from the wire are checked, so a forged value is a serialization error, not an overflow.
    private static TimeSpan Duration(long units, long ticksPerUnit) => units >= 0 && units <= TimeSpan.MaxValue.Ticks / ticksPerUnit
        ? TimeSpan.FromTicks(units * ticksPerUnit)
        : throw new System.Runtime.Serialization.SerializationException($"duration {units} out of range");

    private static DateTimeOffset Instant(long unixMs) =>
        unixMs >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && unixMs <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs)
            : throw new System.Runtime.Serialization.SerializationException($"time {unixMs} out of range");

    // An unknown code from a newer server is still an error; keep its number visible in the message.
    private static KvError FromProto(ErrorReply m) => Enum.IsDefined(typeof(ErrorCode), m.Code)
        ? new KvError((ErrorCode)m.Code, m.Message)
        : new KvError(ErrorCode.Unavailable, $"unknown error code {m.Code}: {m.Message}");
}
