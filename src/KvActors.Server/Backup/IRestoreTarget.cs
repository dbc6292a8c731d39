using Akka.Actor;
using Akka.Configuration;
using KvActors.Journal;

namespace KvActors.Server.Backup;

/// <summary>
/// What a restored data directory must hold for the server that will start on it: the snapshot (and its persistence
/// id) each partition recovers from. A single node or shared-journal node recovers a partition store; a Raft node, the
/// replicas placed on it (<c>KvActors.Replication</c>'s target).
/// </summary>
public interface IRestoreTarget
{
    /// <summary>Settings the snapshots need beyond the server's own (their serializer).</summary>
    Config Config { get; }

    /// <summary>The snapshots to save for <paramref name="partition"/>, whose backed-up state is <paramref name="state"/>;
    /// none if the partition does not live here.</summary>
    IEnumerable<(string PersistenceId, object Snapshot)> Snapshots(ActorSystem system, int partition, StoreSnapshot state);

    /// <summary>Called once every snapshot is saved, with the directory.</summary>
    void Complete(string directory);
}
