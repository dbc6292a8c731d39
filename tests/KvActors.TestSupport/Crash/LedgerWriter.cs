using KvActors.TestSupport.Linearizability;

namespace KvActors.TestSupport.Crash;

/// <summary>
/// A sequential writer of its own keys (<c>o{writer}-{n}</c>): sets unique values and now and then deletes,
/// recording each write in the <see cref="WriteLedger"/> before sending it and its acknowledgement after. It stops
/// at its first failure (the server died under it); that write stays unconfirmed. With
/// <paramref name="continueAfterFailure"/> it goes on instead, on fresh keys, so a write of unknown outcome is never
/// followed by another on its key (which could land after it and make the check ambiguous).
/// </summary>
public sealed class LedgerWriter(int writer, string tag, IKvHistoryClient client, WriteLedger ledger, int seed, bool continueAfterFailure = false)
{
    private const int KeysPerWriter = 8;

    private readonly Random _random = new(seed);

    public async Task RunAsync(CancellationToken stop)
    {
        var generation = 0;
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var key = generation == 0 ? $"o{writer}-{_random.Next(KeysPerWriter)}" : $"o{writer}g{generation}-{_random.Next(KeysPerWriter)}";
            var delete = _random.Next(8) == 0;
            var value = delete ? null : $"{tag}-w{writer}-{n}";
            var kind = delete ? KvOperationKind.Delete : KvOperationKind.Set;
            ledger.Attempt(key, value);
            try
            {
                var outcome = await client.ExecuteAsync(new KvOperation(writer, kind, key, value, 0, null, 0, null));
                ledger.Acknowledge(key, value, outcome.Revision);
            }
            catch (Exception) when (continueAfterFailure && !stop.IsCancellationRequested)
            {
                generation++;
                // Paced, not waiting for anything: a refusal comes back at once, and a tight loop would only spin.
                try { await Task.Delay(50, stop); } catch (OperationCanceledException) { return; }
            }
            catch (Exception)
            {
                return;
            }
        }
    }
}
