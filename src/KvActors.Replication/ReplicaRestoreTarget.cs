using Akka.Actor;
using Akka.Configuration;
using KvActors.Journal;
using KvActors.Raft;
using KvActors.Replication.Replica;
using KvActors.Server.Backup;

namespace KvActors.Replication;

/// <summary>
/// A Raft node's data restored from a backup: for every partition with a replica on <paramref name="node"/>, the
/// founding replica starts from a snapshot of the backed-up state, one index past the founding membership, in term
/// 1 and committed. Every node of the cluster is restored from the same file, so all replicas of a group start from
/// the same snapshot, as if each had installed it, and elect a leader from there. The directory records incarnation
/// 0: the founding replicas.
/// </summary>
public sealed class ReplicaRestoreTarget(IReadOnlyList<ReplicaGroup> groups, Address node) : IRestoreTarget
{
    // Past the founding snapshot (index 1), which a founding replica's storage holds before it recovers: a snapshot at
    // the same index would be taken as already there.
    private const ulong RestoredIndex = MemoryStorage.BootstrapIndex + 1;

    public Config Config => ReplicationConfig.Default;

    public IEnumerable<(string PersistenceId, object Snapshot)> Snapshots(ActorSystem system, int partition, StoreSnapshot state)
    {
        var group = groups[partition];
        if (group.SlotOn(node) is not { } slot) yield break;
        var metadata = new SnapshotMetadata(RestoredIndex, MemoryStorage.BootstrapTerm, group.Founders);
        var snapshot = new ReplicaSnapshot(new Snapshot(metadata, new StateCodec(system).EncodeSnapshot(state)),
            new HardState(MemoryStorage.BootstrapTerm, 0, RestoredIndex), []);
        yield return (ReplicaActor.PersistenceIdOf(partition, slot), snapshot);
    }

    public void Complete(string directory) => NodeIncarnation.Save(directory, 0);
}
