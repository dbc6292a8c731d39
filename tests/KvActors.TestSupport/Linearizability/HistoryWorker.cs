using System.Globalization;

namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// One sequential process of a concurrent history: picks random operations on a few shared keys, records each in
/// the <see cref="KvHistory"/> before it is sent and completes it as soon as its reply is in. A compare-and-set
/// first reads the key (a recorded operation too) and expects the revision it saw. The first operation that fails
/// ends the worker (its connection may be out of step); that operation stays indeterminate. With
/// <paramref name="continueAfterFailure"/> the worker goes on as a new process (as Jepsen replaces a crashed client),
/// numbered <paramref name="process"/> + 1000, + 2000, ...: a process must not start an operation while one of its
/// own may still take effect.
/// </summary>
public sealed class HistoryWorker(int process, IKvHistoryClient client, KvHistory history, IReadOnlyList<string> keys, int seed, bool continueAfterFailure = false)
{
    private readonly Random _random = new(seed);
    private int _sequence;

    /// <summary>Why the worker stopped before it was asked to, if it did.</summary>
    public Exception? Failure { get; private set; }

    public int Completed { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var key = keys[_random.Next(keys.Count)];
            var kind = client.Kinds[_random.Next(client.Kinds.Count)];
            long argument = kind == KvOperationKind.Increment ? _random.Next(1, 4) : 0;
            if (kind == KvOperationKind.CompareAndSet)
            {
                if (await RunAsync(KvOperationKind.Get, key, null, 0) is not { } seen)
                {
                    if (!await NextProcessAsync(stop)) return;
                    continue;
                }
                argument = seen.Kind == KvOutcomeKind.NotFound ? 0 : seen.Revision ?? 0;
            }

            if (await RunAsync(kind, key, NextValue(), argument) is null && !await NextProcessAsync(stop)) return;
        }
    }

    private async Task<bool> NextProcessAsync(CancellationToken stop)
    {
        if (!continueAfterFailure || stop.IsCancellationRequested) return false;
        process += 1000;
        // Each failure leaves an operation of unknown outcome, which the checker may place anywhere after its call:
        // a second between them keeps a node that is down from filling the history with them.
        try { await Task.Delay(1000, stop); } catch (OperationCanceledException) { return false; }
        return true;
    }

    private async Task<KvOutcome?> RunAsync(KvOperationKind kind, string key, string? value, long argument)
    {
        var pending = history.Invoke(process, kind, key, kind is KvOperationKind.Set or KvOperationKind.CompareAndSet ? value : null, argument);
        try
        {
            var outcome = await client.ExecuteAsync(pending.Invoked);
            pending.Complete(outcome);
            Completed++;
            return outcome;
        }
        catch (Exception e)
        {
            Failure = e;
            return null;
        }
    }

    // Unique numbers, so increments apply to them, spaced so that increments do not reach another writer's value;
    // one in four is text, so increments also meet values that are not numbers.
    private string NextValue()
    {
        var n = ++_sequence;
        return n % 4 == 0 ? $"p{process}-{n}" : ((process + 1) * 100_000_000L + n * 10_000L).ToString(CultureInfo.InvariantCulture);
    }
}
