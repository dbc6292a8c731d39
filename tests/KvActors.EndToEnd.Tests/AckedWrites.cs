using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using KvActors.Client;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// Continuous writers for a backup test: each owns its keys and writes them ever larger numbers, one write in flight
/// at a time, noting when each was sent and when it was acknowledged (one monotonic clock). A value found after a
/// restore can then be judged exactly: it must be at least the last one acknowledged before the backup began, and
/// no larger than the last one sent before the backup ended.
/// </summary>
public sealed class AckedWrites
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(long Value, long SentAt, long AckedAt)>> _writes = new();
    private long _acknowledged;

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public IEnumerable<string> Keys => _writes.Keys;

    /// <summary>One writer: keys <c>w{writer}-{0..keys}</c>, round robin, until stopped or the first failure.</summary>
    public async Task RunAsync(KvClient client, int writer, int keys, CancellationToken stop)
    {
        for (long n = 1; !stop.IsCancellationRequested; n++)
        {
            var key = $"w{writer}-{n % keys}";
            var sentAt = Stopwatch.GetTimestamp();
            try
            {
                await client.SetAsync(key, n.ToString(CultureInfo.InvariantCulture), cancellationToken: stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Sent, outcome unknown: it counts as sent (a restored value may be it), never as acknowledged.
                Record(key, n, sentAt, long.MaxValue);
                return;
            }

            Record(key, n, sentAt, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref _acknowledged);
        }
    }

    /// <summary>Acknowledgements that came in between the two times.</summary>
    public long AcknowledgedBetween(long from, long to) =>
        _writes.Values.SelectMany(w => w).Count(w => w.AckedAt >= from && w.AckedAt <= to);

    /// <summary>The last value of <paramref name="key"/> acknowledged before <paramref name="moment"/>, if any.</summary>
    public long? LastAcknowledgedBefore(string key, long moment) =>
        _writes[key].Where(w => w.AckedAt < moment).Select(w => (long?)w.Value).Max();

    /// <summary>The last value of <paramref name="key"/> sent before <paramref name="moment"/>, if any.</summary>
    public long? LastSentBefore(string key, long moment) =>
        _writes[key].Where(w => w.SentAt < moment).Select(w => (long?)w.Value).Max();

    private void Record(string key, long value, long sentAt, long ackedAt) =>
        _writes.GetOrAdd(key, _ => new ConcurrentQueue<(long, long, long)>()).Enqueue((value, sentAt, ackedAt));
}
