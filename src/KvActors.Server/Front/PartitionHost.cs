using Akka.Actor;
using Akka.Event;
using KvActors.Protocol;
using KvActors.Server.Store;

namespace KvActors.Server.Front;

/// <summary>
/// Hosts one partition's <see cref="StoreActor"/>: forwards validated requests to it with the caller as sender (so
/// the reply goes straight back), restarts it with exponential backoff when it stops (a journal failure stops it),
/// answers <see cref="ErrorCode.Unavailable"/> at once while it is down, holds requests while it recovers, and
/// admits at most <see cref="StoreSettings.MaxPendingRequests"/> unanswered requests (<see cref="AdmissionGate"/>),
/// answering <see cref="ErrorCode.Busy"/> beyond that. Requests that reach a store just as it stops (still in its
/// mailbox, or forwarded before this host heard of the stop) become dead letters; the host answers those too, so no
/// caller is left to time out.
/// Phase 2 seam: this is the unit a shard region places on a node; admission stays next to the store it protects.
/// </summary>
public sealed class PartitionHost : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    private readonly StoreSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<(object Request, IActorRef Sender)> _held = new();

    private IActorRef _store = ActorRefs.Nobody;
    private AdmissionGate _gate = AdmissionGate.Unbounded;
    private TimeSpan _backoff = MinBackoff;
    private DateTime _readySince;

    public PartitionHost(StoreSettings settings)
    {
        _settings = settings;
        StartStore();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(StoreSettings settings) => Akka.Actor.Props.Create(() => new PartitionHost(settings));

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    // A failing store is stopped, never restarted in place: the host owns the retry policy.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    private void StartStore()
    {
        // A fresh gate per store: a stopped store's mailbox is dropped without replies, so its count means nothing.
        _gate = new AdmissionGate(_settings.MaxPendingRequests);
        _store = Context.ActorOf(StoreActor.Props(_settings, _gate), "store");
        Context.Watch(_store);
        Become(Recovering);
    }

    // Every state: a request that died with one of this host's stores was never handled, so it was not applied.
    private void AnswerDeadRequests() => Receive<DeadLetter>(letter =>
    {
        if (letter.Message is IKvRequest && letter.Recipient.Path.Parent.Equals(Self.Path))
        {
            letter.Sender.Tell(new KvError(ErrorCode.Unavailable,
                "the store stopped before handling the request (storage failure); it was not applied, retry"));
        }
    });

    private void Recovering()
    {
        AnswerDeadRequests();
        Receive<PartitionHandOff>(_ =>
        {
            // Nothing accepted yet: nothing to finish.
            while (_held.TryDequeue(out var held)) held.Sender.Tell(Moving);
            Context.Stop(Self);
        });
        Receive<StoreReady>(_ =>
        {
            _readySince = DateTime.UtcNow;
            while (_held.TryDequeue(out var held)) _store.Tell(held.Request, held.Sender);
            Become(Serving);
        });
        Receive<Terminated>(OnStoreStopped);
        ReceiveAny(request =>
        {
            if (_gate.TryEnter()) _held.Enqueue((request, Sender));
            else Sender.Tell(new KvError(ErrorCode.Busy, $"store is recovering and {_gate.Limit} requests are already waiting; retry later"));
        });
    }

    private void Serving()
    {
        AnswerDeadRequests();
        Receive<PartitionHandOff>(handOff =>
        {
            _store.Tell(handOff);
            Become(HandingOff);
        });
        Receive<Terminated>(OnStoreStopped);
        ReceiveAny(request =>
        {
            if (_gate.TryEnter()) _store.Forward(request);
            else Sender.Tell(new KvError(ErrorCode.Busy, $"server busy: {_gate.Limit} requests already waiting for the store; retry later"));
        });
    }

    // The store is finishing its accepted writes before the partition moves; this host stops when the store has.
    private void HandingOff()
    {
        AnswerDeadRequests();
        Receive<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_store)) Context.Stop(Self);
        });
        ReceiveAny(_ => Sender.Tell(Moving));
    }

    private KvError Moving => new(ErrorCode.Unavailable,
        $"partition {_settings.PartitionId} is moving to another node; the request was not applied, retry");

    private void Down()
    {
        AnswerDeadRequests();
        Receive<PartitionHandOff>(_ => Context.Stop(Self));
        Receive<RestartStore>(_ => StartStore());
        ReceiveAny(_ => Sender.Tell(new KvError(ErrorCode.Unavailable, "store is unavailable (storage failure); retrying")));
    }

    private void OnStoreStopped(Terminated terminated)
    {
        if (!terminated.ActorRef.Equals(_store)) return;

        if (_readySince != default && DateTime.UtcNow - _readySince > StableAfter) _backoff = MinBackoff;
        _readySince = default;
        _log.Warning("Partition {0} stopped; restarting it in {1}", _settings.PartitionId, _backoff);

        while (_held.TryDequeue(out var held))
            held.Sender.Tell(new KvError(ErrorCode.Unavailable, "store failed while recovering; retrying"));

        Timers.StartSingleTimer(nameof(RestartStore), RestartStore.Instance, _backoff);
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxBackoff.Ticks));
        Become(Down);
    }

    private sealed class RestartStore
    {
        public static readonly RestartStore Instance = new();
    }
}
