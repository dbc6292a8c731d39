using Akka.Actor;
using KvActors.Journal;
using KvActors.Journal.Serialization;

namespace KvActors.Replication.Replica;

/// <summary>
/// The bytes of the state machine inside the Raft log: a normal entry holds the changes of one group commit as the
/// journal's <see cref="ChangeSet"/>, a snapshot holds a <see cref="StoreSnapshot"/>, both in
/// <see cref="JournalSerializer"/>'s format, so a replica's log stores changes exactly as a store's journal does.
/// </summary>
internal sealed class StateCodec
{
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

    public byte[] EncodeSnapshot(StoreSnapshot snapshot) => _serializer.ToBinary(snapshot);

    public StoreSnapshot DecodeSnapshot(byte[] data) => (StoreSnapshot)_serializer.FromBinary(data, _snapshotManifest);
}
