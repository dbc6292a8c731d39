using System.Threading.Channels;
using KvActors.Protocol;

namespace KvActors.Client.Connection;

/// <summary>
/// Keeps a client's <see cref="ServerList"/> in step with the cluster: asks the node in use for the members as soon as
/// it starts (right after connecting), whenever the client has moved to another node (<see cref="RefreshSoon"/>), and
/// every <c>interval</c>. A single node answers membership requests UnsupportedRequest: then there is nothing to
/// learn, and it stops for good. A refresh that fails (node unreachable, timeout) changes nothing.
/// </summary>
internal sealed class MemberDiscovery : IAsyncDisposable
{
    // One pending request is enough: a refresh answers every request made before it.
    private readonly Channel<bool> _requested = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <param name="askMembers">Asks the node in use (the client's own call, with its failover rules).</param>
    /// <param name="learn">Takes the membership in.</param>
    /// <param name="interval">Time between refreshes; <see cref="Timeout.InfiniteTimeSpan"/> for none but the requested ones.</param>
    public void Start(Func<CancellationToken, Task<ClusterMembers>> askMembers, Action<ClusterMembers> learn, TimeSpan interval) =>
        _loop = Task.Run(() => RunAsync(askMembers, learn, interval, _stop.Token));

    public void RefreshSoon() => _requested.Writer.TryWrite(true);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(Func<CancellationToken, Task<ClusterMembers>> askMembers, Action<ClusterMembers> learn, TimeSpan interval, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                while (_requested.Reader.TryRead(out _))
                {
                    // Requested before this refresh, which covers them.
                }

                try
                {
                    learn(await askMembers(stop).ConfigureAwait(false));
                }
                catch (KvUnsupportedRequestException)
                {
                    return; // a single node, not a cluster member
                }
                catch (KvException)
                {
                    // Unreachable, timed out or busy: keep what is known and try again later.
                }

                await WaitForNextAsync(interval, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client is being disposed.
        }
        catch (ObjectDisposedException)
        {
            // The client was disposed between two refreshes.
        }
    }

    private async Task WaitForNextAsync(TimeSpan interval, CancellationToken stop)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
        wait.CancelAfter(interval);
        try
        {
            await _requested.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            // The interval has passed.
        }
    }
}
