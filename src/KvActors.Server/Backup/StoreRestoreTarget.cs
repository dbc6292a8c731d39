using Akka.Actor;
using Akka.Configuration;
using KvActors.Journal;
using KvActors.Server.Partition;

namespace KvActors.Server.Backup;

/// <summary>A single node's or shared-journal node's data: each partition's store recovers from one snapshot.</summary>
public sealed class StoreRestoreTarget(StoreSettings store) : IRestoreTarget
{
    public Config Config => Config.Empty;

    public IEnumerable<(string PersistenceId, object Snapshot)> Snapshots(ActorSystem system, int partition, StoreSnapshot state)
    {
        yield return ((store with { PartitionId = partition }).PersistenceId, state);
    }

    public void Complete(string directory)
    {
    }
}
