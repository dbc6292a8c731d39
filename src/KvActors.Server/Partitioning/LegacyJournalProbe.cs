using Akka.Actor;
using Akka.Persistence;

namespace KvActors.Server.Partitioning;

/// <summary>
/// Finds out whether the pre-partitioning store (journal id <c>kv-partition-0</c>) ever wrote anything, without
/// replaying it: recovery is skipped, but the journal still reports the highest sequence number (kept even after
/// compaction deletes the events), which is all that is needed.
/// </summary>
internal sealed class LegacyJournalProbe : ReceivePersistentActor
{
    private readonly IActorRef _replyTo;

    public LegacyJournalProbe(IActorRef replyTo)
    {
        _replyTo = replyTo;
        Recover<RecoveryCompleted>(_ =>
        {
            _replyTo.Tell(new Result(LastSequenceNr > 0));
            Context.Stop(Self);
        });
    }

    public override string PersistenceId => "kv-partition-0";

    public override Recovery Recovery => Recovery.None;

    public static Props Props(IActorRef replyTo) => Akka.Actor.Props.Create(() => new LegacyJournalProbe(replyTo));

    public sealed record Result(bool HasEvents);
}
