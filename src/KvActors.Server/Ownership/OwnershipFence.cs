using System.Collections.Concurrent;
using Akka.Event;

namespace KvActors.Server.Ownership;

/// <summary>
/// This process's side of partition ownership. A store may serve a partition only under an
/// <see cref="OwnershipGrant"/>: taking it raises the partition's epoch in the database, after which the journal
/// refuses every record of an older epoch (so an owner that was paused, cut off or simply wrong about the membership
/// can never add to the history); and it serves only while its lease, renewed through the same row, has not run
/// out on its own monotonic clock (so it never answers from memory after a newer owner may have taken over).
/// One background loop renews the lease of every partition this process holds, from the moment it is granted (a
/// store recovering a large partition cannot renew, yet must not lose it), and notes when each partition's lease
/// counter last moved, so that a node taking over from a dead owner usually finds the lease long expired.
/// </summary>
public sealed class OwnershipFence : IDisposable
{
    private readonly IOwnershipTable _table;
    private readonly bool _exclusive;
    private ILoggingAdapter? _log;
    private readonly Dictionary<string, (OwnershipRow Row, TimeSpan FirstSeen)> _seen = new();
    private readonly ConcurrentDictionary<string, OwnershipLease> _held = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _started;

    /// <param name="exclusive">This process alone can reach the data (it holds the data directory's lock): no wait.</param>
    public OwnershipFence(IOwnershipTable table, LeaseSettings lease, bool exclusive)
    {
        _table = table;
        Lease = lease;
        _exclusive = exclusive;
    }

    /// <summary>Who holds an epoch: unique per process, readable in the table.</summary>
    public string Self { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public LeaseSettings Lease { get; }

    /// <summary>Starts the background renewals and poll (once), logging to <paramref name="log"/>.</summary>
    public void Start(ILoggingAdapter log)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        _log = log;
        _ = PollAsync(_stopping.Token);
        _ = RenewAllAsync(_stopping.Token);
    }

    /// <summary>
    /// Takes the partition: waits, if the rule says so, until its previous owner's lease has certainly run out, then
    /// raises the epoch. Only then may the store recover from the journal: everything the previous owner got into the
    /// journal is there, and nothing of it can arrive later.
    /// </summary>
    public async Task<OwnershipGrant> AcquireAsync(string persistenceId, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = await _table.ReadAsync(persistenceId, cancellationToken);
            var now = MonotonicClock.Now;
            var firstSeen = row is null ? now : Observe(row, now);
            switch (Takeover.Decide(row, Self, _exclusive, firstSeen, now, Lease))
            {
                case Takeover.Create:
                    if (await _table.TryCreateAsync(persistenceId, Self, cancellationToken)) return await GrantedAsync(persistenceId, 1, now, cancellationToken);
                    break;
                case Takeover.Take:
                    if (await _table.TryTakeAsync(persistenceId, row!.LeaseSeq, Self, cancellationToken) is { } epoch)
                    {
                        if (row.Owner is not null && row.Owner != Self)
                            _log?.Info("Took {0} over at epoch {1} from {2}, whose lease had run out", persistenceId, epoch, row.Owner);
                        return await GrantedAsync(persistenceId, epoch, now, cancellationToken);
                    }
                    break;
                case Takeover.Wait wait:
                    var delay = wait.Until - now;
                    await Task.Delay(delay < Lease.PollEvery ? delay : Lease.PollEvery, cancellationToken);
                    break;
            }
        }
    }

    private async Task<OwnershipGrant> GrantedAsync(string persistenceId, long epoch, TimeSpan sentAt, CancellationToken cancellationToken)
    {
        _log?.Debug("Holding {0} at epoch {1}", persistenceId, epoch);
        var lease = new OwnershipLease(epoch, sentAt + Lease.Duration);
        _held[persistenceId] = lease;
        return new OwnershipGrant(persistenceId, epoch, lease, await _table.HighestSequenceNrAsync(persistenceId, cancellationToken));
    }

    /// <summary>Gives the partition up after its store has stopped, so the next owner need not wait out the lease.</summary>
    public async Task ReleaseAsync(string persistenceId, long epoch)
    {
        if (_held.TryGetValue(persistenceId, out var lease) && lease.Epoch == epoch) _held.TryRemove(persistenceId, out _);
        try
        {
            await _table.ReleaseAsync(persistenceId, epoch);
        }
        catch (Exception e)
        {
            _log?.Debug("Releasing {0} failed ({1}); the next owner waits out the lease instead", persistenceId, e.Message);
        }
    }

    /// <summary>Whether a journal write failed because the fencing trigger refused its epoch.</summary>
    public static bool IsFencedWrite(Exception cause)
    {
        for (Exception? e = cause; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains(FencedMarker, StringComparison.Ordinal)) return true;
        }

        return false;
    }

    /// <summary>The words the fencing triggers raise with; see the ownership tables.</summary>
    public const string FencedMarker = "kv-fenced";

    // When this process first saw the row's current epoch and lease counter.
    private TimeSpan Observe(OwnershipRow row, TimeSpan now)
    {
        lock (_seen)
        {
            if (_seen.TryGetValue(row.PersistenceId, out var seen) && seen.Row.Epoch == row.Epoch && seen.Row.LeaseSeq == row.LeaseSeq)
                return seen.FirstSeen;
            _seen[row.PersistenceId] = (row, now);
            return now;
        }
    }

    // Each renewal is its own statement: on PostgreSQL one transaction never holds two ownership rows' locks, so it
    // cannot deadlock with a journal batch spanning partitions. The expiry counts from before the statement was sent.
    private async Task RenewAllAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Lease.RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var (persistenceId, lease) in _held)
                {
                    var sentAt = MonotonicClock.Now;
                    try
                    {
                        if (await _table.RenewAsync(persistenceId, lease.Epoch, cancellationToken)) lease.RenewedAt(sentAt + Lease.Duration);
                        else
                        {
                            lease.Lose();
                            _held.TryRemove(new KeyValuePair<string, OwnershipLease>(persistenceId, lease));
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _log?.Warning("Renewing the lease of {0} failed: {1}", persistenceId, e.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Lease.PollEvery);
        try
        {
            do
            {
                try
                {
                    var rows = await _table.ReadAllAsync(cancellationToken);
                    var now = MonotonicClock.Now;
                    foreach (var row in rows) Observe(row, now);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log?.Debug("Reading partition ownership failed: {0}", e.Message);
                }
            } while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
