using Akka.Actor;
using Akka.Event;
using Akka.Remote;

namespace KvActors.Host.Logging;

/// <summary>
/// One INFO line when a remote system (a client such as `kv`, or a cluster peer) connects to this server and one
/// when it goes away, in place of Akka.Remote's own lifecycle logging (turned off in the host's configuration).
/// </summary>
public sealed class ConnectionLog : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Akka.Remote may report one association more than once (an endpoint taken over by a new one); a remote
    // system is logged when it first connects and when it finally goes.
    private readonly HashSet<Address> _connected = [];

    public ConnectionLog()
    {
        Receive<AssociatedEvent>(e =>
        {
            if (e.IsInbound && _connected.Add(e.RemoteAddress)) _log.Info("Connected: {0}", e.RemoteAddress);
        });
        Receive<DisassociatedEvent>(e =>
        {
            if (_connected.Remove(e.RemoteAddress)) _log.Info("Disconnected: {0}", e.RemoteAddress);
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new ConnectionLog());

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(AssociatedEvent));
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
