using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Resp.Execution;

/// <summary>
/// Sends protocol requests to the KvFront, the same actor remote clients use, so validation, limits and semantics
/// are shared. A missing reply becomes a <see cref="ErrorCode.Timeout"/> error, never an exception.
/// Requests are told to the front in call order, which is what keeps a connection's commands in order.
/// </summary>
internal sealed class StoreClient(IActorRef front, TimeSpan timeout)
{
    public async Task<IKvReply> AskAsync(IKvRequest request)
    {
        try
        {
            return await front.Ask<IKvReply>(request, timeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return new KvError(ErrorCode.Timeout,
                $"no reply within {timeout.TotalSeconds:0.###}s; if it was a write, its outcome is unknown");
        }
    }
}
