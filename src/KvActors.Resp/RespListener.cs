using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Akka.Event;
using KvActors.Resp.Connection;
using KvActors.Resp.Execution;
using KvActors.Resp.Server;

namespace KvActors.Resp;

/// <summary>
/// The RESP front door: accepts TCP connections on plain sockets and serves each with a <see cref="RespConnection"/>
/// that sends protocol requests to the KvFront. It enforces the client limit and the idle timeout, and stops with the
/// ActorSystem (CoordinatedShutdown's service-unbind phase), before the front and the store stop.
/// </summary>
public sealed class RespListener : IAsyncDisposable
{
    private static readonly byte[] TooManyClients = "-ERR max number of clients reached\r\n"u8.ToArray();
    private static readonly TimeSpan RejectLinger = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly RespServerState _server;
    private readonly IActorRef _front;
    private readonly ILoggingAdapter _log;
    private readonly ConcurrentDictionary<long, (RespConnection Connection, Task Serving)> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private readonly ITimer? _idleSweep;
    private readonly Lock _stopLock = new();
    private Task? _stopped;

    private RespListener(IActorRef front, RespSettings settings, TimeProvider clock, ILoggingAdapter log)
    {
        _log = log;
        _server = new RespServerState(settings, clock);
        _front = front;

        var address = IPAddress.TryParse(settings.Host, out var ip)
            ? ip
            : Dns.GetHostAddresses(settings.Host).OrderBy(a => a.AddressFamily != AddressFamily.InterNetwork).First();
        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.Bind(new IPEndPoint(address, settings.Port));
            _socket.Listen(512);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _server.Port = EndPoint.Port;
        _accepting = AcceptAsync();

        if (settings.IdleTimeout > TimeSpan.Zero)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(settings.IdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
            _idleSweep = TimeProvider.System.CreateTimer(_ => CloseIdleConnections(), null, period, period);
        }
    }

    /// <summary>The address and port actually bound.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// Binds and starts accepting; logs <c>RESP listening on HOST:PORT</c> and stops with <paramref name="system"/>.
    /// Throws <see cref="SocketException"/> if the port cannot be bound.
    /// </summary>
    public static RespListener Start(ActorSystem system, IActorRef front, RespSettings settings, TimeProvider? clock = null)
    {
        var log = Logging.GetLogger(system, "resp");
        var listener = new RespListener(front, settings.Validate(), clock ?? TimeProvider.System, log);
        log.Info("RESP listening on " + listener.EndPoint);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "resp-stop", async () =>
        {
            await listener.DisposeAsync().ConfigureAwait(false);
            return Done.Instance;
        });
        return listener;
    }

    /// <summary>Stops accepting, closes every connection and waits (briefly) for them to finish.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_stopLock)
        {
            _stopped ??= StopAsync();
        }

        return new ValueTask(_stopped);
    }

    private async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_idleSweep is not null) await _idleSweep.DisposeAsync().ConfigureAwait(false);

        var serving = _connections.Values.ToArray();
        foreach (var (connection, _) in serving) connection.Abort();
        await Task.WhenAll(serving.Select(s => s.Serving)).WaitAsync(StopGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of file descriptors and the like: keep the listener alive, but do not spin.
                _log.Warning("RESP accept failed: {0}", e.Message);
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }

            client.NoDelay = true;
            if (_connections.Count >= _server.Settings.MaxClients)
            {
                _server.Stats.Rejected();
                _ = RejectAsync(client);
                continue;
            }

            // Registered before it starts, so a connection that ends at once is still removed.
            var connection = new RespConnection(client, _server, new StoreClient(_front, _server.Settings.RequestTimeout), _log);
            var serving = new Task<Task>(() => ServeAsync(connection));
            _connections[connection.Session.Id] = (connection, serving.Unwrap());
            serving.Start(TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(RespConnection connection)
    {
        _server.Stats.Connected();
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Error(e, "RESP connection {0} failed", connection.Session.Id);
        }
        finally
        {
            connection.Abort();
            _connections.TryRemove(connection.Session.Id, out _);
            _server.Stats.Disconnected();
        }
    }

    // Redis's answer to one client too many: an error, then close (lingering, so the client can read it).
    private static async Task RejectAsync(Socket client)
    {
        try
        {
            await client.SendAsync(TooManyClients, SocketFlags.None).ConfigureAwait(false);
            client.Shutdown(SocketShutdown.Send);
            using var linger = new CancellationTokenSource(RejectLinger);
            var scratch = new byte[256];
            while (await client.ReceiveAsync(scratch, SocketFlags.None, linger.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone either way.
        }
        finally
        {
            client.Dispose();
        }
    }

    private void CloseIdleConnections()
    {
        var timeout = _server.Settings.IdleTimeout;
        foreach (var (connection, _) in _connections.Values)
        {
            if (connection.IsIdleFor(timeout)) connection.Abort();
        }
    }
}
