using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Akka.Event;
using KvActors.Resp.Commands;
using KvActors.Resp.Execution;
using KvActors.Resp.Protocol;
using KvActors.Resp.Server;

namespace KvActors.Resp.Connection;

/// <summary>
/// One client connection: four loops joined by two pipes and a bounded channel.
/// <code>
/// socket ─receive─► input pipe ─process─► reply channel ─reply─► output pipe ─send─► socket
///                               (parse, dispatch)          (await in order, encode, flush per batch)
/// </code>
/// Ordering: commands are parsed and dispatched one after another, and their pending replies enter the channel in
/// the same order; the reply loop awaits them strictly in that order, so replies never overtake each other however
/// the store's answers arrive. Back-pressure, from the client's side of the socket inwards: a client that does not
/// read makes the output pipe pass its pause threshold, so flushing waits; the reply loop stops draining the channel,
/// which fills (its capacity bounds the commands in flight); dispatching waits; the input pipe fills to its pause
/// threshold; the receive loop stops reading the socket and TCP flow control pushes back on the client.
/// </summary>
internal sealed class RespConnection
{
    // After the last reply, how long to wait for the client to close before the socket is closed regardless.
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);

    private const int MinimumReceiveBytes = 4096;
    private const int SegmentBytes = 16 * 1024;

    private readonly Socket _socket;
    private readonly ILoggingAdapter _log;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly Channel<PendingReply> _replies;
    private readonly RespParser _parser;
    private readonly CommandDispatcher _dispatcher;
    private readonly CancellationTokenSource _closing = new();

    private long _lastActivity = Environment.TickCount64;
    private int _inFlight;

    public RespConnection(Socket socket, RespServerState server, StoreClient store, ILoggingAdapter log)
    {
        _socket = socket;
        _log = log;
        var settings = server.Settings;
        Session = new ClientSession(server.NextClientId(), socket.RemoteEndPoint?.ToString() ?? "unknown");
        _input = new Pipe(BufferOptions(settings.InputBufferBytes));
        _output = new Pipe(BufferOptions(settings.OutputBufferBytes));
        _replies = Channel.CreateBounded<PendingReply>(new BoundedChannelOptions(settings.MaxInFlightPerConnection)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            // The reply loop only parks on unfinished replies, so waking it inline is cheap; a thread-pool hop is not.
            AllowSynchronousContinuations = true,
        });
        _parser = new RespParser(settings.MaxBulkBytes, settings.MaxArguments);
        _dispatcher = new CommandDispatcher(Session, server, store);
    }

    public ClientSession Session { get; }

    /// <summary>Nothing received and no reply owed for longer than <paramref name="timeout"/>.</summary>
    public bool IsIdleFor(TimeSpan timeout) =>
        Volatile.Read(ref _inFlight) == 0 && Environment.TickCount64 - Volatile.Read(ref _lastActivity) > timeout.TotalMilliseconds;

    /// <summary>Serves the connection until the client leaves, sends QUIT or a malformed frame, or it is aborted.</summary>
    public async Task RunAsync()
    {
        var receiving = ReceiveAsync();
        var processing = ProcessAsync();
        var sending = SendAsync();
        await ReplyAsync().ConfigureAwait(false);
        await sending.ConfigureAwait(false);
        await processing.ConfigureAwait(false);

        // Lingering close: closing a socket with unread input resets the connection, which can destroy the last
        // replies (an error, +OK for QUIT) before the client reads them. Say we are done, then wait for the client.
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        await receiving.WaitAsync(LingerTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Abort();
        await receiving.ConfigureAwait(false);
    }

    /// <summary>Closes the connection now, whatever it is doing (idle timeout, server stopping, a dead peer).</summary>
    public void Abort()
    {
        _closing.Cancel();
        _socket.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var writer = _input.Writer;
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(writer.GetMemory(MinimumReceiveBytes), SocketFlags.None, _closing.Token)
                    .ConfigureAwait(false);
                if (received == 0) break;
                Touch();
                writer.Advance(received);
                var flush = await writer.FlushAsync(_closing.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    // Processing has stopped (QUIT, protocol error): discard input until the client closes.
                    await DrainAsync().ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            // The client went away or the connection was aborted.
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task DrainAsync()
    {
        var scratch = new byte[MinimumReceiveBytes];
        while (await _socket.ReceiveAsync(scratch, SocketFlags.None, _closing.Token).ConfigureAwait(false) > 0)
        {
        }
    }

    private async Task ProcessAsync()
    {
        var reader = _input.Reader;
        try
        {
            var stop = false;
            while (!stop)
            {
                var result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (!stop && _parser.TryRead(ref buffer, out var command))
                    {
                        var pending = await DispatchAsync(command).ConfigureAwait(false);
                        await EnqueueAsync(pending).ConfigureAwait(false);
                        stop = pending.CloseAfter;
                    }
                }
                catch (RespProtocolException e)
                {
                    var error = RespValue.Error("ERR Protocol error: " + e.Message);
                    await EnqueueAsync(new PendingReply(new ValueTask<RespValue>(error), Session.Version, CloseAfter: true))
                        .ConfigureAwait(false);
                    stop = true;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                stop |= result.IsCompleted;
            }
        }
        catch (OperationCanceledException)
        {
            // Aborted.
        }
        catch (Exception e)
        {
            _log.Error(e, "RESP connection {0} failed while processing commands; closing it", Session.Id);
            Abort();
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            _replies.Writer.TryComplete();
        }
    }

    // A bug in one command's handling costs that command an error reply, not the whole connection.
    private async ValueTask<PendingReply> DispatchAsync(RespCommand command)
    {
        try
        {
            return await _dispatcher.DispatchAsync(command).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Error(e, "RESP connection {0}: a command failed unexpectedly", Session.Id);
            return new PendingReply(new ValueTask<RespValue>(RespValue.Error("ERR internal error: " + e.Message)), Session.Version);
        }
    }

    private ValueTask EnqueueAsync(PendingReply pending)
    {
        Interlocked.Increment(ref _inFlight);
        return _replies.Writer.WriteAsync(pending, _closing.Token);
    }

    private async Task ReplyAsync()
    {
        var writer = _output.Writer;
        var replies = _replies.Reader;
        var unflushed = false;
        try
        {
            while (await replies.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (replies.TryRead(out var pending))
                {
                    // Send what is ready before waiting on the store, so earlier replies are not held back.
                    if (unflushed && !pending.Reply.IsCompleted)
                    {
                        if (!await FlushAsync(writer).ConfigureAwait(false)) return;
                        unflushed = false;
                    }

                    RespWriter.Write(writer, await ResolveAsync(pending.Reply).ConfigureAwait(false), pending.Version);
                    unflushed = true;
                    Interlocked.Decrement(ref _inFlight);
                    Touch();
                    if (pending.CloseAfter)
                    {
                        await FlushAsync(writer).ConfigureAwait(false);
                        return;
                    }
                }

                // One flush for everything that was ready together: a pipelined batch becomes one send.
                if (!await FlushAsync(writer).ConfigureAwait(false)) return;
                unflushed = false;
            }
        }
        catch (OperationCanceledException)
        {
            // Aborted.
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    // False when the socket side is gone: then nothing more can be delivered, and the connection is aborted.
    private async ValueTask<bool> FlushAsync(PipeWriter writer)
    {
        var result = await writer.FlushAsync(_closing.Token).ConfigureAwait(false);
        if (!result.IsCompleted) return true;
        Abort();
        return false;
    }

    private async ValueTask<RespValue> ResolveAsync(ValueTask<RespValue> reply)
    {
        try
        {
            return await reply.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Error(e, "RESP connection {0}: a command failed unexpectedly", Session.Id);
            return RespValue.Error("ERR internal error: " + e.Message);
        }
    }

    private async Task SendAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    for (var sent = 0; sent < segment.Length;)
                        sent += await _socket.SendAsync(segment[sent..], SocketFlags.None, _closing.Token).ConfigureAwait(false);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            Abort();
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    private static bool IsDisconnect(Exception e) => e is SocketException or OperationCanceledException or ObjectDisposedException;

    // The reading loops (processing, sending) run inline on the thread that flushed to them: neither blocks, and a
    // thread-pool hop per request batch costs more CPU than the work it moves.
    private static PipeOptions BufferOptions(int pauseBytes) => new(
        readerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: pauseBytes,
        resumeWriterThreshold: pauseBytes / 2,
        minimumSegmentSize: SegmentBytes,
        useSynchronizationContext: false);
}
