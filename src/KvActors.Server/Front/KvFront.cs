using Akka.Actor;
using Akka.Event;
using KvActors.Protocol;
using KvActors.Server.Store;

namespace KvActors.Server.Front;

/// <summary>
/// The entry point at <c>/user/kv</c>, local or over Akka.Remote. Validates each request, then forwards it to the
/// store with the caller as sender, so the reply goes straight back. It also supervises the store: when the store
/// stops (a journal failure stops it), requests are answered <see cref="ErrorCode.Unavailable"/> at once while the
/// store is restarted with exponential backoff.
/// Phase 2 seam: the single store child becomes "the owner of the key's partition" (a shard region).
/// </summary>
public sealed class KvFront : ReceiveActor, IWithTimers
{
    public const string Name = "kv";

    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    // Requests held while the store recovers; beyond this the front answers Busy rather than queue without bound.
    private const int MaxHeldRequests = 10_000;

    private readonly StoreSettings _settings;
    private readonly RequestValidator _validator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<(object Request, IActorRef Sender)> _held = new();

    private IActorRef _store = ActorRefs.Nobody;
    private TimeSpan _backoff = MinBackoff;
    private DateTime _readySince;

    public KvFront(StoreSettings settings)
    {
        _settings = settings;
        _validator = new RequestValidator(settings.Limits);
        StartStore();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(StoreSettings settings) => Akka.Actor.Props.Create(() => new KvFront(settings));

    // A request forwarded just before the store stopped lands in dead letters; the front hears of it there, so the
    // caller gets Unavailable instead of waiting for its timeout.
    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    // A failing store is stopped, never restarted in place: the front owns the retry policy.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    private void StartStore()
    {
        _store = Context.ActorOf(StoreActor.Props(_settings), $"partition-{_settings.PartitionId}");
        Context.Watch(_store);
        Become(Recovering);
    }

    private void Recovering()
    {
        Receive<DeadLetter>(OnDeadLetter);
        Receive<StoreReady>(_ =>
        {
            _readySince = DateTime.UtcNow;
            while (_held.TryDequeue(out var held)) _store.Tell(held.Request, held.Sender);
            Become(Serving);
        });
        Receive<Terminated>(OnStoreStopped);
        ReceiveAny(request =>
        {
            if (Reject(request)) return;
            if (_held.Count >= MaxHeldRequests)
            {
                Sender.Tell(new KvError(ErrorCode.Busy, "store is recovering and the request queue is full"));
                return;
            }

            _held.Enqueue((request, Sender));
        });
    }

    private void Serving()
    {
        Receive<DeadLetter>(OnDeadLetter);
        Receive<Terminated>(OnStoreStopped);
        ReceiveAny(request =>
        {
            if (!Reject(request)) _store.Forward(request);
        });
    }

    private void Down()
    {
        Receive<DeadLetter>(OnDeadLetter);
        Receive<RestartStore>(_ => StartStore());
        ReceiveAny(request =>
        {
            if (!Reject(request)) Sender.Tell(new KvError(ErrorCode.Unavailable, "store is unavailable (storage failure); retrying"));
        });
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

    private void OnDeadLetter(DeadLetter dead)
    {
        if (dead.Message is IKvRequest && Self.Path.Equals(dead.Recipient.Path.Parent))
            dead.Sender.Tell(new KvError(ErrorCode.Unavailable, "store stopped before it read the request (storage failure); retrying"));
    }

    /// <summary>Answers invalid requests with an error; returns true if the request was answered.</summary>
    private bool Reject(object message)
    {
        var error = message is IKvRequest request
            ? _validator.Validate(request)
            : new KvError(ErrorCode.UnsupportedRequest, $"unsupported message {message.GetType().Name}");
        if (error is null) return false;
        Sender.Tell(error);
        return true;
    }

    private sealed class RestartStore
    {
        public static readonly RestartStore Instance = new();
    }
}
