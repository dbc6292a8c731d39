using Akka.Actor;
using Akka.Remote;

namespace KvActors.Client.Connection;

/// <summary>
/// Tells the <see cref="ServerConnection"/> when the link to the server breaks: the front stopped (DeathWatch),
/// a connection attempt failed, or an established connection dropped (remoting lifecycle events).
/// </summary>
internal sealed class ServerWatcher : ReceiveActor
{
    private readonly ServerConnection _connection;

    public ServerWatcher(ServerConnection connection)
    {
        _connection = connection;
        Receive<WatchFront>(m => Context.Watch(m.Front));
        Receive<UnwatchFront>(m => Context.Unwatch(m.Front));
        Receive<CatchUp>(m => Sender.Tell(m));
        Receive<Terminated>(t => _connection.OnFrontTerminated(t.ActorRef));
        Receive<AssociationErrorEvent>(e =>
        {
            if (IsServer(e.RemoteAddress)) _connection.OnConnectFailed(Describe(e.Cause));
        });
        Receive<DisassociatedEvent>(e =>
        {
            if (IsServer(e.RemoteAddress)) _connection.OnDisconnected();
        });
    }

    public static Props Props(ServerConnection connection) => Akka.Actor.Props.Create(() => new ServerWatcher(connection));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(AssociationErrorEvent));
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
    }

    private bool IsServer(Address remote) => remote.Equals(_connection.Path.Address);

    // The transport appends its own address ("Connection refused tcp://kv@host:port"); the caller already names the server.
    private static string Describe(Exception cause)
    {
        var message = cause.GetBaseException().Message.Trim();
        var lastWord = message.LastIndexOf(' ');
        return lastWord > 0 && message.AsSpan(lastWord).Contains("://", StringComparison.Ordinal) ? message[..lastWord] : message;
    }

    public sealed record WatchFront(IActorRef Front);

    public sealed record UnwatchFront(IActorRef Front);

    /// <summary>Answered as soon as everything queued before it has been handled.</summary>
    public sealed class CatchUp
    {
        public static readonly CatchUp Instance = new();
    }
}
