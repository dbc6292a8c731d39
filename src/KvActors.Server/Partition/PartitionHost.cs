using Akka.Actor;
using Akka.Event;
using KvActors.Protocol;
using KvActors.Server.Ownership;

namespace KvActors.Server.Partition;

/// <summary>
/// Hosts one partition's <see cref="StoreActor"/>: takes the partition's ownership for it first
/// (<see cref="OwnershipFence"/>: waiting, if another process held it, until that owner's lease has run out), then
/// forwards validated requests to it with the caller as sender (so
/// the reply goes straight back), restarts it with exponential backoff when it stops (a journal failure stops it),
/// but never after it was fenced off by a newer owner,
/// answers <see cref="ErrorCode.Unavailable"/> at once while it is down, holds requests while it recovers, and
/// admits at most <see cref="StoreSettings.MaxPendingRequests"/> unanswered requests (<see cref="AdmissionGate"/>),
/// answering <see cref="ErrorCode.Busy"/> beyond that. Requests that reach a store just as it stops (still in its
/// mailbox, or forwarded before this host heard of the stop) become dead letters; the host answers those too, so no
/// caller is left to time out.
/// In a cluster this is the unit a shard region places on a node; admission stays next to the store it protects.
/// </summary>
public sealed class PartitionHost : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    // Requests wait this long for a takeover (the previous owner's lease running out) before they are told to retry.
    private static readonly TimeSpan TakeoverPatience = TimeSpan.FromSeconds(3);

    // Requests wait this long for a recovering store (a quick restart stays invisible); after that, and until the
    // store serves, they are answered "starting" at once so that clients retry instead of timing out.
    private static readonly TimeSpan LoadingPatience = TimeSpan.FromSeconds(1);

    private readonly StoreSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<(object Request, IActorRef Sender)> _held = new();

    private IActorRef _store = ActorRefs.Nobody;
    private AdmissionGate _gate = AdmissionGate.Unbounded;
    private TimeSpan _backoff = MinBackoff;
    private DateTime _readySince;
    private CancellationTokenSource? _acquiring;
    private bool _fenced;

    public PartitionHost(StoreSettings settings)
    {
        _settings = settings;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(StoreSettings settings) => Akka.Actor.Props.Create(() => new PartitionHost(settings));

    private ServerReadiness Readiness => ServerReadiness.Get(Context.System);

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        StartStore();
    }

    protected override void PostStop()
    {
        _acquiring?.Cancel();
        Context.System.EventStream.Unsubscribe(Self);
        Readiness.Remove(_settings.PartitionId);
        KvMetrics.PartitionStopped(_settings.PartitionId);
    }

    // A failing store is stopped, never restarted in place: the host owns the retry policy.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    private void StartStore()
    {
        // A fresh gate per store: a stopped store's mailbox is dropped without replies, so its count means nothing.
        _gate = new AdmissionGate(_settings.MaxPendingRequests);
        Readiness.Report(_settings.PartitionId, PartitionPhase.Loading);
        _acquiring = new CancellationTokenSource();
        _settings.Fence.AcquireAsync(_settings.PersistenceId, _acquiring.Token)
            .PipeTo(Self, success: grant => new Acquired(grant), failure: e => new AcquireFailed(e));
        Timers.StartSingleTimer(nameof(TakeoverPatience), OutOfPatience.Instance, TakeoverPatience);
        Become(Acquiring);
    }

    // Ownership is being taken. Requests wait for it, up to TakeoverPatience; after that they are answered at once.
    private void Acquiring()
    {
        var patient = true;
        AnswerDeadRequests();
        Receive<Acquired>(acquired =>
        {
            Timers.Cancel(nameof(TakeoverPatience));
            _store = Context.ActorOf(StoreActor.Props(_settings, _gate, acquired.Grant), "store");
            Context.Watch(_store);
            Timers.StartSingleTimer(nameof(LoadingPatience), OutOfPatience.Instance, LoadingPatience);
            Become(Recovering);
        });
        Receive<AcquireFailed>(failed =>
        {
            _log.Warning("Taking ownership of partition {0} failed: {1}", _settings.PartitionId, failed.Cause.GetBaseException().Message);
            AnswerHeld(new KvError(ErrorCode.Unavailable, "the partition's ownership could not be taken (storage failure); the request was not applied, retry"));
            Retry();
        });
        Receive<OutOfPatience>(_ =>
        {
            patient = false;
            _log.Info("Partition {0} waits for its previous owner's lease to run out", _settings.PartitionId);
            AnswerHeld(TakingOver);
        });
        Receive<PartitionHandOff>(_ =>
        {
            while (_held.TryDequeue(out var held)) held.Sender.Tell(Moving);
            Context.Stop(Self);
        });
        ReceiveAny(request =>
        {
            if (!patient) Sender.Tell(TakingOver);
            else if (_gate.TryEnter()) _held.Enqueue((request, Sender));
            else Sender.Tell(new KvError(ErrorCode.Busy, $"store is starting and {_gate.Limit} requests are already waiting; retry later"));
        });
    }

    // Held requests were admitted: answering one here, not through the store, must let the gate admit another.
    private void AnswerHeld(KvError error)
    {
        while (_held.TryDequeue(out var held))
        {
            held.Sender.Tell(error);
            _gate.Leave();
        }
    }

    private KvError TakingOver => new(ErrorCode.Unavailable,
        $"partition {_settings.PartitionId} is being taken over from its previous owner; the request was not applied, retry");

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
        var patient = true;
        AnswerDeadRequests();
        Receive<OutOfPatience>(_ =>
        {
            patient = false;
            AnswerHeld(Loading);
        });
        Receive<PartitionHandOff>(_ =>
        {
            // Nothing accepted yet: nothing to finish.
            while (_held.TryDequeue(out var held)) held.Sender.Tell(Moving);
            Context.Stop(Self);
        });
        Receive<StoreFenced>(_ => _fenced = true);
        Receive<StoreReady>(_ =>
        {
            Timers.Cancel(nameof(LoadingPatience));
            Readiness.Report(_settings.PartitionId, PartitionPhase.Serving);
            _readySince = DateTime.UtcNow;
            while (_held.TryDequeue(out var held)) _store.Tell(held.Request, held.Sender);
            Become(Serving);
        });
        Receive<Terminated>(OnStoreStopped);
        ReceiveAny(request =>
        {
            if (!patient) Sender.Tell(Loading);
            else if (_gate.TryEnter()) _held.Enqueue((request, Sender));
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
        Receive<StoreFenced>(_ => _fenced = true);
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

    private KvError Loading => KvError.Starting($"partition {_settings.PartitionId} is loading its data from the journal");

    private KvError Moving => new(ErrorCode.Unavailable,
        $"partition {_settings.PartitionId} is moving to another node; the request was not applied, retry");

    private void Down()
    {
        AnswerDeadRequests();
        Receive<PartitionHandOff>(_ => Context.Stop(Self));
        Receive<RestartStore>(_ => StartStore());
        ReceiveAny(_ => Sender.Tell(new KvError(ErrorCode.Unavailable, "store is unavailable (storage failure); retrying")));
    }

    // A newer owner holds the partition: this host never serves it again, it only says so. In a cluster this node has
    // been downed (or is about to be) and stops with its partitions.
    private void Fenced()
    {
        AnswerDeadRequests();
        Receive<PartitionHandOff>(_ => Context.Stop(Self));
        ReceiveAny(_ => Sender.Tell(StoreFenced.Error(_settings.PartitionId)));
    }

    private void OnStoreStopped(Terminated terminated)
    {
        if (!terminated.ActorRef.Equals(_store)) return;

        Timers.Cancel(nameof(LoadingPatience));
        if (_fenced)
        {
            Readiness.Report(_settings.PartitionId, PartitionPhase.Down);
            while (_held.TryDequeue(out var held)) held.Sender.Tell(StoreFenced.Error(_settings.PartitionId));
            Become(Fenced);
            return;
        }

        if (_readySince != default && DateTime.UtcNow - _readySince > StableAfter) _backoff = MinBackoff;
        _readySince = default;
        _log.Warning("Partition {0} stopped; restarting it in {1}", _settings.PartitionId, _backoff);

        while (_held.TryDequeue(out var held))
            held.Sender.Tell(new KvError(ErrorCode.Unavailable, "store failed while recovering; retrying"));
        Retry();
    }

    private void Retry()
    {
        Readiness.Report(_settings.PartitionId, PartitionPhase.Down);
        Timers.StartSingleTimer(nameof(RestartStore), RestartStore.Instance, _backoff);
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxBackoff.Ticks));
        Become(Down);
    }

    private sealed class RestartStore
    {
        public static readonly RestartStore Instance = new();
    }

    private sealed class OutOfPatience
    {
        public static readonly OutOfPatience Instance = new();
    }

    private sealed record Acquired(OwnershipGrant Grant);

    private sealed record AcquireFailed(Exception Cause);
}
