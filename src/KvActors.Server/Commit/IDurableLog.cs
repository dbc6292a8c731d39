using KvActors.Journal;

namespace KvActors.Server.Commit;

/// <summary>
/// Where a <see cref="CommitPipeline{TCaller}"/> makes changes durable, one record at a time: the partition's journal
/// today (the store actor's PersistAsync), a replicated log later. The pipeline never has two records in flight.
/// </summary>
internal interface IDurableLog
{
    /// <summary>
    /// Starts writing one record. The log's owner calls <see cref="CommitPipeline{TCaller}.OnDurable"/> once it is
    /// durable, or <see cref="CommitPipeline{TCaller}.Abandon"/> if it never will be.
    /// </summary>
    void Write(IReadOnlyList<IKvEvent> changes);
}
