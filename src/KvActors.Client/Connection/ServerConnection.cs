using System.Diagnostics;
using Akka.Actor;

namespace KvActors.Client.Connection;

/// <summary>
/// The client's view of one of its servers: resolves the front once and shares it between all calls, learns from the
/// <see cref="ServerWatcher"/> when the link breaks, and then resolves again on the next call. Thread-safe.
/// </summary>
internal sealed class ServerConnection
{
    // After a failed connect or a dropped connection remoting drops every message to the server until its retry
    // gate reopens; a resolve sent meanwhile would only wait out its timeout, so calls fail at once instead.
    // The margin makes sure the gate is open again when the next resolve goes out.
    private static readonly TimeSpan FailFastWindow = ClientConfig.RetryGate + TimeSpan.FromMilliseconds(250);

    private readonly ActorSelection _selection;
    private readonly IActorRef _watcher;
    private readonly Lock _lock = new();

    private ServerSession? _session;
    private Task<ServerSession>? _resolving;
    private TaskCompletionSource<string>? _resolveFailed;
    private long _unreachableUntil;
    private string _unreachableReason = "";

    // The server's "no such actor" answer in the current resolve, if one came: it runs, its front does not yet.
    private string? _frontMissing;

    /// <param name="id">Unique among the client's connections (it names the watcher actor).</param>
    public ServerConnection(ActorSystem system, ActorPath path, int id)
    {
        Path = path;
        _selection = system.ActorSelection(path);
        _watcher = system.ActorOf(ServerWatcher.Props(this), $"server-watcher-{id}");
    }

    /// <summary>The front's address, <c>akka.tcp://kv@HOST:PORT/user/kv</c>.</summary>
    public ActorPath Path { get; }

    /// <summary>The live session, resolving the front first if there is none.</summary>
    /// <exception cref="KvUnavailableException">The front could not be resolved within <paramref name="timeout"/>.</exception>
    public async Task<ServerSession> GetSessionAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task<ServerSession> resolving;
        lock (_lock)
        {
            if (_session is { IsLost: false } live) return live;
            if (Stopwatch.GetTimestamp() < _unreachableUntil) throw Unreachable(_unreachableReason);
            // Concurrent callers share one resolve rather than each sending their own Identify.
            if (_resolving is not { IsCompleted: false }) _resolving = ResolveAsync(timeout);
            resolving = _resolving;
        }

        try
        {
            return await resolving.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A server that said "no such actor" during this wait is running: say so, not that nothing answered.
            string? missing;
            lock (_lock) missing = _frontMissing;
            throw missing is null ? Unreachable(NoReplyWithin(timeout)) : StillStarting(missing, timeout);
        }
    }

    /// <summary>True while the link is known to be broken, so a missing reply is not a mere timeout.</summary>
    public bool IsBroken(ServerSession session)
    {
        lock (_lock) return session.IsLost || Stopwatch.GetTimestamp() < _unreachableUntil;
    }

    /// <summary>
    /// Stops watching the server, for a cluster member the client no longer uses. Calls still waiting on it keep
    /// their reply or their timeout.
    /// </summary>
    public void Close() => _watcher.Tell(PoisonPill.Instance);

    public KvUnavailableException Unreachable(string reason) => new($"server {Path} is unreachable ({reason})");

    public static string NoReplyWithin(TimeSpan timeout) => $"no reply within {Durations.Format(timeout)}";

    internal void OnFrontTerminated(IActorRef front)
    {
        ServerSession? lost;
        lock (_lock)
        {
            if (_session is null || !_session.Front.Equals(front)) return;
            lost = _session;
            _session = null;
        }

        lost.MarkLost();
    }

    internal void OnConnectFailed(string cause) => MarkUnreachable($"connection failed: {cause}", replacesEarlierReason: true);

    // A failed connect is reported as both an error and a disassociation; the error says more, so it is kept.
    internal void OnDisconnected() => MarkUnreachable("connection lost", replacesEarlierReason: false);

    private void MarkUnreachable(string reason, bool replacesEarlierReason)
    {
        ServerSession? lost;
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            if (replacesEarlierReason || now >= _unreachableUntil) _unreachableReason = reason;
            _unreachableUntil = now + (long)(FailFastWindow.TotalSeconds * Stopwatch.Frequency);
            _resolveFailed?.TrySetResult(_unreachableReason);
            lost = _session;
            _session = null;
        }

        if (lost is null) return;
        lost.MarkLost();
        _watcher.Tell(new ServerWatcher.UnwatchFront(lost.Front));
    }

    private async Task CatchUpWithWatcherAsync()
    {
        try
        {
            await _watcher.Ask<ServerWatcher.CatchUp>(ServerWatcher.CatchUp.Instance, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            // Only when the client is shutting down; there is nothing left to learn.
        }
    }

    // A server that is still starting has its remoting port open before its front exists: such a server answers
    // "no such actor", and is asked again, every StartingRetry, until the timeout runs out.
    // The last try may get no answer in what is left of the timeout (a busy machine); the "no such actor" answers
    // before it still show the server runs, so the error says the front is missing rather than that none answered.
    private async Task<ServerSession> ResolveAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        lock (_lock) _frontMissing = null;
        while (true)
        {
            try
            {
                return await ResolveOnceAsync(timeout - Stopwatch.GetElapsedTime(started)).ConfigureAwait(false);
            }
            catch (FrontMissingException missing)
            {
                lock (_lock) _frontMissing = missing.Message;
                var left = timeout - Stopwatch.GetElapsedTime(started);
                if (left <= StartingRetry) throw StillStarting(missing.Message, timeout);
                await Task.Delay(StartingRetry).ConfigureAwait(false);
            }
            catch (NoReplyException) when (FrontMissing is { } missing)
            {
                throw StillStarting(missing, timeout);
            }
            catch (NoReplyException)
            {
                throw Unreachable(NoReplyWithin(timeout));
            }
        }
    }

    private string? FrontMissing
    {
        get
        {
            lock (_lock) return _frontMissing;
        }
    }

    private static KvUnavailableException StillStarting(string missing, TimeSpan timeout) =>
        new($"{missing} (still starting? asked for {Durations.Format(timeout)})");

    private sealed class NoReplyException : Exception;

    private static readonly TimeSpan StartingRetry = TimeSpan.FromMilliseconds(200);

    private sealed class FrontMissingException(string message) : Exception(message);

    private async Task<ServerSession> ResolveOnceAsync(TimeSpan timeout)
    {
        var resolveFailed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock) _resolveFailed = resolveFailed;
        using var abandon = new CancellationTokenSource();
        try
        {
            var identify = _selection.ResolveOne(timeout, abandon.Token);
            // A refused connection is reported at once; without this race the resolve would wait out its timeout.
            if (await Task.WhenAny(identify, resolveFailed.Task).ConfigureAwait(false) == resolveFailed.Task)
            {
                await abandon.CancelAsync().ConfigureAwait(false);
                _ = identify.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                throw Unreachable(resolveFailed.Task.Result);
            }

            var session = new ServerSession(await identify.ConfigureAwait(false));
            lock (_lock) _session = session;
            _watcher.Tell(new ServerWatcher.WatchFront(session.Front));
            return session;
        }
        catch (ActorNotFoundException e) when (e.InnerException is AskTimeoutException)
        {
            throw new NoReplyException();
        }
        catch (ActorNotFoundException)
        {
            // Remoting bounces an Identify it cannot deliver off dead letters, which answer "no such actor", and that
            // answer can overtake the watcher's report of the failed connection. The report was queued to the
            // watcher first, so once the watcher has caught up, a connection failure shows in resolveFailed.
            await CatchUpWithWatcherAsync().ConfigureAwait(false);
            if (resolveFailed.Task.IsCompletedSuccessfully) throw Unreachable(resolveFailed.Task.Result);
            throw new FrontMissingException($"server {Path.Address} is running but has no KvActors front at {Path}");
        }
        finally
        {
            lock (_lock) _resolveFailed = null;
        }
    }
}
