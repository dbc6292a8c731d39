using KvActors.Client;

namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// Operations over the native protocol (Akka.Remote) with <see cref="KvClient"/>; replies carry revisions. Each call
/// waits <paramref name="timeout"/>, or the client's own timeout.
/// </summary>
public sealed class NativeHistoryClient(KvClient client, TimeSpan? timeout = null) : IKvHistoryClient
{
    public IReadOnlyList<KvOperationKind> Kinds { get; } =
        [KvOperationKind.Get, KvOperationKind.Set, KvOperationKind.Delete, KvOperationKind.CompareAndSet];

    public async Task<KvOutcome> ExecuteAsync(KvOperation operation)
    {
        switch (operation.Kind)
        {
            case KvOperationKind.Get:
                var found = await client.TryGetAsync(operation.Key, timeout);
                return found is null ? KvOutcome.NotFound : KvOutcome.Found(found.ToUtf8String(), found.Revision);
            case KvOperationKind.Set:
                return KvOutcome.Written(await client.SetAsync(operation.Key, operation.Value!, timeout: timeout));
            case KvOperationKind.Delete:
                return await client.TryDeleteAsync(operation.Key, timeout: timeout) is { } deleted ? KvOutcome.Written(deleted) : KvOutcome.NotFound;
            case KvOperationKind.CompareAndSet:
                try
                {
                    return KvOutcome.Written(await client.CompareAndSetAsync(operation.Key, operation.Value!, operation.Argument, timeout));
                }
                catch (KvRevisionMismatchException)
                {
                    return KvOutcome.Mismatch;
                }

            default:
                throw new NotSupportedException($"{operation.Kind} is not run over the native protocol here");
        }
    }
}
