using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;

namespace KvActors.Cluster;

/// <summary>
/// Downs a member whose process is certainly gone, without waiting for the failure detector and the split brain
/// resolver. When the remoting link to a member drops (or it turns unreachable), this node tries a plain TCP
/// connection to the member's remoting port. A refused connection means no process listens there: the server
/// died (kill -9, crash, OOM) and its host's kernel answered for it. Refused twice, <see cref="ConfirmAfter"/>
/// apart, the member is downed at once, and its partitions move after the removal margin instead of after
/// ~3 s of missed heartbeats plus the resolver's stable-after.
/// Only a refusal counts: a timeout, an unreachable host or a successful connection (a live process, or a new one
/// at the same address, which Akka itself replaces) leave the member to the failure detector and the resolver.
/// So a network split or a vanished machine is still decided the slow, safe way, by keep-majority.
/// </summary>
internal sealed class DeadProcessDetector : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ConfirmAfter = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    private const int RefusalsToDown = 2;

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<Address, int> _refusals = new();

    public DeadProcessDetector()
    {
        Receive<DisassociatedEvent>(e => Suspect(e.RemoteAddress));
        Receive<AssociationErrorEvent>(e => Suspect(e.RemoteAddress));
        Receive<ClusterEvent.UnreachableMember>(e => Suspect(e.Member.Address));
        Receive<ProbeAgain>(p => Probe(p.Address));
        Receive<ProbeResult>(OnProbeResult);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props() => Akka.Actor.Props.Create(() => new DeadProcessDetector());

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        Context.System.EventStream.Subscribe(Self, typeof(AssociationErrorEvent));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.UnreachableMember));
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _cluster.Unsubscribe(Self);
    }

    private void Suspect(Address address)
    {
        // One probe at a time per address; links of clients and of members leaving gracefully are not our business.
        if (_refusals.ContainsKey(address) || !IsActiveMember(address)) return;
        _refusals[address] = 0;
        Probe(address);
    }

    private bool IsActiveMember(Address address) =>
        !address.Equals(_cluster.SelfAddress) && _cluster.State.Members.Any(m => m.Address.Equals(address) &&
            m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining);

    private void Probe(Address address)
    {
        if (address.Host is not { } host || address.Port is not { } port) { _refusals.Remove(address); return; }
        RefusesConnectionAsync(host, port).PipeTo(Self, success: refused => new ProbeResult(address, refused));
    }

    private void OnProbeResult(ProbeResult result)
    {
        if (!result.Refused || !IsActiveMember(result.Address))
        {
            _refusals.Remove(result.Address);
            return;
        }
        var refusals = _refusals.GetValueOrDefault(result.Address) + 1;
        if (refusals < RefusalsToDown)
        {
            _refusals[result.Address] = refusals;
            Timers.StartSingleTimer(result.Address, new ProbeAgain(result.Address), ConfirmAfter);
            return;
        }
        _refusals.Remove(result.Address);
        _log.Warning("Downing {0}: its process is gone (connections to its port refused {1} times, {2} ms apart)",
            result.Address, RefusalsToDown, ConfirmAfter.TotalMilliseconds);
        _cluster.Down(result.Address);
    }

    private static async Task<bool> RefusesConnectionAsync(string host, int port)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false; // slow or unreachable: not a certain death; the failure detector decides
        }
    }

    private sealed record ProbeAgain(Address Address);

    private sealed record ProbeResult(Address Address, bool Refused);
}
