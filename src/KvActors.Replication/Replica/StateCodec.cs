using System.Collections.Immutable;
using Akka.Actor;
using Google.Protobuf;
using KvActors.Journal;
using KvActors.Journal.Serialization;
using KvActors.Replication.Serialization.Proto;

namespace KvActors.Replication.Replica;

/// <summary>
/// The bytes of the state machine inside the Raft log: a normal entry holds the changes of one group commit as the
/// journal's <see cref="ChangeSet"/>, a snapshot holds a <see cref="StoreSnapshot"/>, both in
/// <see cref="JournalSerializer"/>'s format, so a replica's log stores changes exactly as a store's journal does.
/// A snapshot of a group with replicas placed outside the founding slots also carries their nodes
/// (<see cref="ReplicaBook.Placed"/>): those were learned from membership changes the snapshot compacts away.
/// </summary>
internal sealed class StateCodec
{
    // No serialized StoreSnapshot starts with it (SnapshotFormat starts with its version, 2): data that does is a
    // PlacedSnapshotData.
    private const byte PlacedMarker = 0;

    private readonly JournalSerializer _serializer;
    private readonly string _changesManifest;
    private readonly string _snapshotManifest;

    public StateCodec(ActorSystem system)
    {
        _serializer = new JournalSerializer((ExtendedActorSystem)system);
        _changesManifest = _serializer.Manifest(new ChangeSet([]));
        _snapshotManifest = _serializer.Manifest(new StoreSnapshot(0, []));
    }

    public byte[] EncodeChanges(IReadOnlyList<IKvEvent> changes) => _serializer.ToBinary(new ChangeSet(changes));

    public IReadOnlyList<IKvEvent> DecodeChanges(byte[] data) => ((ChangeSet)_serializer.FromBinary(data, _changesManifest)).Changes;

    public byte[] EncodeSnapshot(StoreSnapshot snapshot, IReadOnlyDictionary<ulong, Address>? placed = null)
    {
        var state = _serializer.ToBinary(snapshot);
        if (placed is null || placed.Count == 0) return state;
        var proto = new PlacedSnapshotData { State = UnsafeByteOperations.UnsafeWrap(state) };
        foreach (var (id, node) in placed) proto.Placed[id] = node.ToString();
        var bytes = new byte[1 + proto.CalculateSize()];
        bytes[0] = PlacedMarker;
        proto.WriteTo(bytes.AsSpan(1));
        return bytes;
    }

    /// <summary>The state in a snapshot's data (empty data: the empty state) and the placed replicas' nodes.</summary>
    public (StoreSnapshot State, ImmutableDictionary<ulong, Address> Placed) DecodeSnapshot(byte[] data)
    {
        if (data.Length == 0) return (new StoreSnapshot(0, []), ImmutableDictionary<ulong, Address>.Empty);
        if (data[0] != PlacedMarker) return ((StoreSnapshot)_serializer.FromBinary(data, _snapshotManifest), ImmutableDictionary<ulong, Address>.Empty);
        var proto = PlacedSnapshotData.Parser.ParseFrom(data.AsSpan(1));
        return ((StoreSnapshot)_serializer.FromBinary(proto.State.ToByteArray(), _snapshotManifest),
            proto.Placed.ToImmutableDictionary(p => p.Key, p => Address.Parse(p.Value)));
    }
}
