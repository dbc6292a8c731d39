using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using KvActors.Journal;
using KvActors.Protocol;

namespace KvActors.Server.Partitioning;

/// <summary>
/// Settles the partition count of the data at start-up, before any partition starts. The count is recorded once, in
/// the journal under <see cref="PersistenceId"/>, when the data is created; afterwards the recorded count wins and a
/// different configured one is refused (keys would be looked for in the wrong partitions). Data written before
/// partitioning existed (one store, journal id <c>kv-partition-0</c>, no layout record) is exactly the one-partition
/// layout, so it is recorded as such, and a server configured for more is refused with instructions.
/// Answers <see cref="Resolve"/> with a <see cref="PartitionMap"/> or a <see cref="Status.Failure"/> carrying a
/// <see cref="PartitionLayoutException"/>, then stops.
/// </summary>
public sealed class PartitionLayoutKeeper : ReceivePersistentActor
{
    public const string LayoutPersistenceId = "kv-layout";

    private readonly int _configured;
    private readonly string _dataDescription;
    private IActorRef _requester = ActorRefs.Nobody;
    private int? _recorded;

    public PartitionLayoutKeeper(int configured, string dataDescription)
    {
        _configured = configured;
        _dataDescription = dataDescription;

        Recover<PartitionLayoutRecorded>(e => _recorded = e.PartitionCount);
        Command<Resolve>(_ => OnResolve());
        Command<LegacyJournalProbe.Result>(OnLegacyProbed);
    }

    public override string PersistenceId => LayoutPersistenceId;

    public static Props Props(int configured, string dataDescription) =>
        Akka.Actor.Props.Create(() => new PartitionLayoutKeeper(configured, dataDescription));

    // Stashed until recovery has read the recorded layout, if any.
    private void OnResolve()
    {
        _requester = Sender;
        if (_recorded is { } recorded)
        {
            if (recorded == _configured) Answer(new PartitionMap(recorded));
            else Refuse($"the data in {_dataDescription} was created with {recorded} partition{(recorded == 1 ? "" : "s")}, not {_configured}; " +
                        $"start with --partitions {recorded} (the count cannot change: keys are placed by it)");
            return;
        }

        Context.ActorOf(LegacyJournalProbe.Props(Self));
    }

    private void OnLegacyProbed(LegacyJournalProbe.Result probe)
    {
        var count = probe.HasEvents ? 1 : _configured;
        if (count != _configured)
        {
            Refuse($"the data in {_dataDescription} was written before partitioning (one partition); start with --partitions 1 " +
                   $"to serve it, or load it into a fresh data directory to use {_configured} partitions");
            return;
        }

        Persist(new PartitionLayoutRecorded(count), e => Answer(new PartitionMap(e.PartitionCount)));
    }

    private void Answer(PartitionMap map)
    {
        _requester.Tell(map);
        Context.Stop(Self);
    }

    private void Refuse(string reason)
    {
        _requester.Tell(new Status.Failure(new PartitionLayoutException(reason)));
        Context.Stop(Self);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // Usually another node of a new cluster recorded it first (the sequence number is taken); the requester
        // reads it again and says so. Akka's own handler would log this expected race as an ERROR.
        Context.GetLogger().Debug("Recording the partition layout failed: {0}", cause.Message);
        _requester.Tell(new Status.Failure(new PartitionLayoutException($"cannot record the partition layout: {cause.Message}", cause, recordFailed: true)));
        Context.Stop(Self);
    }

    public sealed class Resolve
    {
        public static readonly Resolve Instance = new();
    }
}
