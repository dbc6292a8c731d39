using KvActors.Client;

namespace KvActors.Tests.Linearizability;

/// <summary>Operations over the native protocol (Akka.Remote) with <see cref="KvClient"/>; replies carry revisions.</summary>
public sealed class NativeHistoryClient(KvClient client) : IKvHistoryClient
{
    public IReadOnlyList<KvOperationKind> Kinds { get; } =
        [KvOperationKind.Get, KvOperationKind.Set, KvOperationKind.Delete, KvOperationKind.CompareAndSet];

    public async Task<KvOutcome> ExecuteAsync(KvOperation operation)
    {
        switch (operation.Kind)
        {
            case KvOperationKind.Get:
                var found = await client.TryGetAsync(operation.Key);
                return found is null ? KvOutcome.NotFound : KvOutcome.Found(found.ToUtf8String(), found.Revision);
            case KvOperationKind.Set:
                return KvOutcome.Written(await client.SetAsync(operation.Key, operation.Value!));
            case KvOperationKind.Delete:
                return await client.TryDeleteAsync(operation.Key) is { } deleted ? KvOutcome.Written(deleted) : KvOutcome.NotFound;
            case KvOperationKind.CompareAndSet:
                try
                {
                    return KvOutcome.Written(await client.CompareAndSetAsync(operation.Key, operation.Value!, operation.Argument));
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
