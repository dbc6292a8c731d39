using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using KvActors.Raft;
using System.Collections.Immutable;
using KvActors.Replication.Joining;
using KvActors.Replication.Placement;
using KvActors.Replication.Replica;
using KvActors.Replication.Serialization.Proto;
using KvActors.Replication.Transport;

namespace KvActors.Replication.Serialization;

/// <summary>
/// Protobuf serializer of replication's types: Raft envelopes between nodes, replica log events in the journal, replica
/// snapshots in the snapshot store, the not-leader reply and the messages of a node joining its groups (see Proto/raft.proto for the compatibility rules). A serializer of its own, with its own
/// id, rather than more cases in the protocol's KvSerializer: the protocol assembly is all a remote client loads,
/// and Raft is none of its business. Entry payloads are opaque bytes here (the state machine's own format, see
/// <see cref="StateCodec"/>). Manifests are part of the stored format: never reuse or rename one.
/// </summary>
public sealed class RaftSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string EnvelopeManifest = "r-envelope";
    private const string LogWrittenManifest = "r-log";
    private const string NotLeaderManifest = "r-not-leader";
    private const string SnapshotManifest = "r-snapshot";
    private const string GetBootstrapStateManifest = "r-get-bootstrap";
    private const string BootstrapStateManifest = "r-bootstrap";
    private const string JoinGroupManifest = "r-join";
    private const string SnapshotChunkManifest = "r-snapshot-chunk";
    private const string SnapshotChunkAckManifest = "r-snapshot-chunk-ack";
    private const string GetPlacementViewManifest = "r-get-placement";
    private const string PlacementViewManifest = "r-placement";
    private const string MoveReplicaManifest = "r-move";
    private const string HostReplicaManifest = "r-host";
    private const string DropReplicaManifest = "r-drop";
    private const string BalanceLeaderManifest = "r-balance-leader";

    public override int Identifier => 7302;

    public override string Manifest(object o) => o switch
    {
        RaftEnvelope => EnvelopeManifest,
        RaftLogWritten => LogWrittenManifest,
        NotLeader => NotLeaderManifest,
        ReplicaSnapshot => SnapshotManifest,
        GetBootstrapState => GetBootstrapStateManifest,
        BootstrapState => BootstrapStateManifest,
        JoinGroup => JoinGroupManifest,
        SnapshotChunk => SnapshotChunkManifest,
        SnapshotChunkAck => SnapshotChunkAckManifest,
        GetPlacementView => GetPlacementViewManifest,
        PlacementView => PlacementViewManifest,
        MoveReplica => MoveReplicaManifest,
        HostReplica => HostReplicaManifest,
        DropReplica => DropReplicaManifest,
        BalanceLeader => BalanceLeaderManifest,
        _ => throw new ArgumentException($"RaftSerializer cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        RaftEnvelope m => ToProto(m).ToByteArray(),
        RaftLogWritten m => ToProto(m).ToByteArray(),
        NotLeader m => ToProto(m).ToByteArray(),
        ReplicaSnapshot m => ToProto(m).ToByteArray(),
        GetBootstrapState => new BootstrapStateQuery().ToByteArray(),
        BootstrapState m => new BootstrapStateReply { Ready = m.Ready, Active = m.Active, Members = { m.Members } }.ToByteArray(),
        JoinGroup m => new JoinGroupRequest { Partition = m.Partition, ReplicaId = m.ReplicaId }.ToByteArray(),
        SnapshotChunk m => new SnapshotChunkMessage
        {
            Partition = m.Partition, Header = ToProto(m.Header), Offset = m.Offset, Total = m.Total, Data = Wrap(m.Bytes),
        }.ToByteArray(),
        SnapshotChunkAck m => new SnapshotChunkAckMessage
        {
            Partition = m.Partition, From = m.From, To = m.To, Index = m.Index, Received = m.Received,
        }.ToByteArray(),
        GetPlacementView => new PlacementViewQuery().ToByteArray(),
        PlacementView m => ToProto(m).ToByteArray(),
        MoveReplica m => ToProto(m).ToByteArray(),
        HostReplica m => ToProto(m).ToByteArray(),
        DropReplica m => new DropReplicaCommand { Partition = m.Partition, ReplicaId = m.ReplicaId }.ToByteArray(),
        BalanceLeader m => new BalanceLeaderCommand { Partition = m.Partition, To = m.To, Why = m.Why }.ToByteArray(),
        _ => throw new ArgumentException($"RaftSerializer cannot serialize {obj.GetType()}", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        EnvelopeManifest => FromProto(RaftEnvelopeMessage.Parser.ParseFrom(bytes)),
        LogWrittenManifest => FromProto(RaftLogWrittenEvent.Parser.ParseFrom(bytes)),
        NotLeaderManifest => FromProto(NotLeaderReply.Parser.ParseFrom(bytes)),
        SnapshotManifest => FromProto(ReplicaSnapshotState.Parser.ParseFrom(bytes)),
        GetBootstrapStateManifest => GetBootstrapState.Instance,
        BootstrapStateManifest => FromProto(BootstrapStateReply.Parser.ParseFrom(bytes)),
        JoinGroupManifest => FromProto(JoinGroupRequest.Parser.ParseFrom(bytes)),
        SnapshotChunkManifest => FromProto(SnapshotChunkMessage.Parser.ParseFrom(bytes)),
        SnapshotChunkAckManifest => FromProto(SnapshotChunkAckMessage.Parser.ParseFrom(bytes)),
        GetPlacementViewManifest => GetPlacementView.Instance,
        PlacementViewManifest => FromProto(PlacementViewReply.Parser.ParseFrom(bytes)),
        MoveReplicaManifest => FromProto(MoveReplicaCommand.Parser.ParseFrom(bytes)),
        HostReplicaManifest => FromProto(HostReplicaCommand.Parser.ParseFrom(bytes)),
        DropReplicaManifest => FromProto(DropReplicaCommand.Parser.ParseFrom(bytes)),
        BalanceLeaderManifest => FromProto(BalanceLeaderCommand.Parser.ParseFrom(bytes)),
        _ => throw new SerializationException($"RaftSerializer does not know manifest '{manifest}'"),
    };

    // Payloads are immutable by convention (entries are values), so wrapping instead of copying is safe.
    private static ByteString Wrap(byte[] bytes) => UnsafeByteOperations.UnsafeWrap(bytes);

    private static RaftEnvelopeMessage ToProto(RaftEnvelope envelope)
    {
        var proto = new RaftEnvelopeMessage();
        foreach (var m in envelope.Messages)
            proto.Messages.Add(new Proto.PartitionRaftMessage { Partition = m.Partition, Message = ToProto(m.Message) });
        return proto;
    }

    private static RaftEnvelope FromProto(RaftEnvelopeMessage proto) =>
        new(proto.Messages.Select(m => new Transport.PartitionRaftMessage(m.Partition, FromProto(m.Message ?? Missing<RaftMessage>()))).ToArray());

    private static RaftMessage ToProto(Message m)
    {
        var proto = new RaftMessage
        {
            Kind = ToProto(m.Type),
            From = m.From,
            To = m.To,
            Term = m.Term,
            LogTerm = m.LogTerm,
            Index = m.Index,
            Commit = m.Commit,
            Reject = m.Reject,
            RejectHint = m.RejectHint,
            LeaderTransfer = m.LeaderTransfer,
        };
        foreach (var entry in m.Entries) proto.Entries.Add(ToProto(entry));
        if (m.Snapshot is { } snapshot) proto.Snapshot = ToProto(snapshot);
        if (m.Context is { } context) proto.Context = Wrap(context);
        return proto;
    }

    private static Message FromProto(RaftMessage proto) => new()
    {
        Type = FromProto(proto.Kind),
        From = proto.From,
        To = proto.To,
        Term = proto.Term,
        LogTerm = proto.LogTerm,
        Index = proto.Index,
        Entries = proto.Entries.Select(FromProto).ToArray(),
        Commit = proto.Commit,
        Snapshot = proto.Snapshot is { } snapshot ? FromProto(snapshot) : null,
        Reject = proto.Reject,
        RejectHint = proto.RejectHint,
        Context = proto.HasContext ? proto.Context.ToByteArray() : null,
        LeaderTransfer = proto.LeaderTransfer,
    };

    private static RaftLogWrittenEvent ToProto(RaftLogWritten written)
    {
        var proto = new RaftLogWrittenEvent { HardState = ToProto(written.HardState) };
        foreach (var entry in written.Entries) proto.Entries.Add(ToProto(entry));
        if (written.Snapshot is { } snapshot) proto.Snapshot = ToProto(snapshot);
        return proto;
    }

    private static RaftLogWritten FromProto(RaftLogWrittenEvent proto)
    {
        return new RaftLogWritten(
            proto.Entries.Select(FromProto).ToArray(),
            FromProto(proto.HardState ?? Missing<RaftHardState>()),
            proto.Snapshot is { } snapshot ? FromProto(snapshot) : null);
    }

    private static ReplicaSnapshotState ToProto(ReplicaSnapshot snapshot)
    {
        var proto = new ReplicaSnapshotState { Snapshot = ToProto(snapshot.Raft), HardState = ToProto(snapshot.HardState) };
        foreach (var entry in snapshot.Tail) proto.Tail.Add(ToProto(entry));
        return proto;
    }

    private static ReplicaSnapshot FromProto(ReplicaSnapshotState proto) => new(
        FromProto(proto.Snapshot ?? Missing<RaftSnapshot>()),
        FromProto(proto.HardState ?? Missing<RaftHardState>()),
        proto.Tail.Select(FromProto).ToArray());

    private static BootstrapState FromProto(BootstrapStateReply proto) => new(proto.Ready, proto.Active, proto.Members.ToArray());

    private static JoinGroup FromProto(JoinGroupRequest proto) => new(proto.Partition, proto.ReplicaId);

    private static SnapshotChunk FromProto(SnapshotChunkMessage proto) =>
        new(proto.Partition, FromProto(proto.Header ?? Missing<RaftMessage>()), proto.Offset, proto.Total, proto.Data.ToByteArray());

    private static SnapshotChunkAck FromProto(SnapshotChunkAckMessage proto) => new(proto.Partition, proto.From, proto.To, proto.Index, proto.Received);

    private static PlacementViewReply ToProto(PlacementView view)
    {
        var proto = new PlacementViewReply { Node = view.Node.ToString(), Draining = view.Draining };
        foreach (var replica in view.Replicas)
        {
            var r = new ReplicaViewMessage
            {
                Partition = replica.Partition, ReplicaId = replica.ReplicaId, Leading = replica.Leading, Term = replica.Term,
                Members = ToProto(replica.Members),
            };
            foreach (var (id, node) in replica.Nodes) r.Nodes[id] = node.ToString();
            proto.Replicas.Add(r);
        }

        return proto;
    }

    private static PlacementView FromProto(PlacementViewReply proto) => new(
        Address.Parse(proto.Node),
        proto.Draining,
        proto.Replicas.Select(r => new ReplicaView(r.Partition, r.ReplicaId, r.Leading, r.Term, FromProto(r.Members ?? new RaftConfState()),
            r.Nodes.ToDictionary(n => n.Key, n => Address.Parse(n.Value)))).ToArray());

    private static MoveReplicaCommand ToProto(MoveReplica move)
    {
        var proto = new MoveReplicaCommand { Partition = move.Partition, From = move.From, Why = move.Why };
        if (move.To is { } to) proto.To = to.ToString();
        return proto;
    }

    private static MoveReplica FromProto(MoveReplicaCommand proto) =>
        new(proto.Partition, proto.From, proto.HasTo ? Address.Parse(proto.To) : null, proto.Why);

    private static HostReplicaCommand ToProto(HostReplica host)
    {
        var proto = new HostReplicaCommand { Partition = host.Partition, ReplicaId = host.ReplicaId };
        foreach (var (id, node) in host.Placed) proto.Placed[id] = node.ToString();
        return proto;
    }

    private static HostReplica FromProto(HostReplicaCommand proto) =>
        new(proto.Partition, proto.ReplicaId, proto.Placed.ToImmutableDictionary(p => p.Key, p => Address.Parse(p.Value)));

    private static DropReplica FromProto(DropReplicaCommand proto) => new(proto.Partition, proto.ReplicaId);

    private static BalanceLeader FromProto(BalanceLeaderCommand proto) => new(proto.Partition, proto.To, proto.Why);

    private static RaftConfState ToProto(ConfState members)
    {
        var proto = new RaftConfState();
        proto.Voters.AddRange(members.Voters);
        proto.Learners.AddRange(members.Learners);
        return proto;
    }

    private static ConfState FromProto(RaftConfState proto) => new([.. proto.Voters], [.. proto.Learners]);

    private static RaftHardState ToProto(HardState hardState) =>
        new() { Term = hardState.Term, Vote = hardState.Vote, Commit = hardState.Commit };

    private static HardState FromProto(RaftHardState proto) => new(proto.Term, proto.Vote, proto.Commit);

    private static NotLeaderReply ToProto(NotLeader notLeader)
    {
        var proto = new NotLeaderReply { Partition = notLeader.Partition, LeaderId = notLeader.LeaderId };
        if (notLeader.LeaderNode is { } node) proto.LeaderNode = node;
        return proto;
    }

    private static NotLeader FromProto(NotLeaderReply proto) =>
        new(proto.Partition, proto.LeaderId, proto.HasLeaderNode ? proto.LeaderNode : null);

    private static RaftEntry ToProto(Entry entry) => new()
    {
        Term = entry.Term,
        Index = entry.Index,
        Kind = entry.Type == EntryType.ConfChange ? RaftEntryKind.ConfChange : RaftEntryKind.Normal,
        Data = Wrap(entry.Data),
    };

    private static Entry FromProto(RaftEntry proto) => new(
        proto.Term,
        proto.Index,
        proto.Kind switch
        {
            RaftEntryKind.Normal => EntryType.Normal,
            RaftEntryKind.ConfChange => EntryType.ConfChange,
            _ => throw new SerializationException($"unknown entry kind {proto.Kind}"),
        },
        proto.Data.ToByteArray());

    private static RaftSnapshot ToProto(Snapshot snapshot)
    {
        return new RaftSnapshot
        {
            Index = snapshot.Metadata.Index,
            Term = snapshot.Metadata.Term,
            ConfState = ToProto(snapshot.Metadata.ConfState),
            Data = Wrap(snapshot.Data),
        };
    }

    private static Snapshot FromProto(RaftSnapshot proto)
    {
        return new Snapshot(
            new SnapshotMetadata(proto.Index, proto.Term, FromProto(proto.ConfState ?? new RaftConfState())),
            proto.Data.ToByteArray());
    }

    private static RaftMessageKind ToProto(MessageType type) => type switch
    {
        MessageType.Append => RaftMessageKind.Append,
        MessageType.AppendResponse => RaftMessageKind.AppendResponse,
        MessageType.PreVote => RaftMessageKind.PreVote,
        MessageType.PreVoteResponse => RaftMessageKind.PreVoteResponse,
        MessageType.Vote => RaftMessageKind.Vote,
        MessageType.VoteResponse => RaftMessageKind.VoteResponse,
        MessageType.Snapshot => RaftMessageKind.Snapshot,
        MessageType.Heartbeat => RaftMessageKind.Heartbeat,
        MessageType.HeartbeatResponse => RaftMessageKind.HeartbeatResponse,
        MessageType.TransferLeader => RaftMessageKind.TransferLeader,
        MessageType.TimeoutNow => RaftMessageKind.TimeoutNow,
        MessageType.ReadIndex => RaftMessageKind.ReadIndex,
        MessageType.ReadIndexResponse => RaftMessageKind.ReadIndexResponse,
        _ => throw new ArgumentException($"{type} is local to a replica; it never travels", nameof(type)),
    };

    // A peer's message of a kind this version does not know is refused, never stepped as something else.
    private static MessageType FromProto(RaftMessageKind kind) => kind switch
    {
        RaftMessageKind.Append => MessageType.Append,
        RaftMessageKind.AppendResponse => MessageType.AppendResponse,
        RaftMessageKind.PreVote => MessageType.PreVote,
        RaftMessageKind.PreVoteResponse => MessageType.PreVoteResponse,
        RaftMessageKind.Vote => MessageType.Vote,
        RaftMessageKind.VoteResponse => MessageType.VoteResponse,
        RaftMessageKind.Snapshot => MessageType.Snapshot,
        RaftMessageKind.Heartbeat => MessageType.Heartbeat,
        RaftMessageKind.HeartbeatResponse => MessageType.HeartbeatResponse,
        RaftMessageKind.TransferLeader => MessageType.TransferLeader,
        RaftMessageKind.TimeoutNow => MessageType.TimeoutNow,
        RaftMessageKind.ReadIndex => MessageType.ReadIndex,
        RaftMessageKind.ReadIndexResponse => MessageType.ReadIndexResponse,
        _ => throw new SerializationException($"unknown Raft message kind {kind}"),
    };

    private static T Missing<T>() => throw new SerializationException($"{typeof(T).Name} missing");
}
