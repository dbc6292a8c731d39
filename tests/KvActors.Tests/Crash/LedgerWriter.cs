using KvActors.Tests.Linearizability;

namespace KvActors.Tests.Crash;

/// <summary>
/// A sequential writer of its own keys (<c>o{writer}-{n}</c>): sets unique values and now and then deletes,
/// recording each write in the <see cref="WriteLedger"/> before sending it and its acknowledgement after. It stops
/// at its first failure (the server died under it); that write stays unconfirmed.
/// </summary>
public sealed class LedgerWriter(int writer, string tag, IKvHistoryClient client, WriteLedger ledger, int seed)
{
    private const int KeysPerWriter = 8;

    private readonly Random _random = new(seed);

    public async Task RunAsync(CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var key = $"o{writer}-{_random.Next(KeysPerWriter)}";
            var delete = _random.Next(8) == 0;
            var value = delete ? null : $"{tag}-w{writer}-{n}";
            var kind = delete ? KvOperationKind.Delete : KvOperationKind.Set;
            ledger.Attempt(key, value);
            try
            {
                var outcome = await client.ExecuteAsync(new KvOperation(writer, kind, key, value, 0, null, 0, null));
                ledger.Acknowledge(key, value, outcome.Revision);
            }
            catch (Exception)
            {
                return;
            }
        }
    }
}
