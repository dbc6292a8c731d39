using KvActors.Protocol;
using KvActors.Resp.Protocol;

namespace KvActors.Resp.Execution;

/// <summary>Runs a <see cref="StorePlan"/> against the front. Every request is told before the first await.</summary>
internal static class PlanExecutor
{
    public static async Task<RespValue> RunAsync(StorePlan plan, StoreClient store)
    {
        var requests = plan.Requests;
        IReadOnlyList<IKvReply> replies;
        if (requests.Count == 1)
        {
            replies = [await store.AskAsync(requests[0]).ConfigureAwait(false)];
        }
        else if (plan.Mode == PlanMode.Concurrent)
        {
            replies = await Task.WhenAll(requests.Select(store.AskAsync).ToArray()).ConfigureAwait(false);
        }
        else
        {
            var reply = await store.AskAsync(new Batch(requests, plan.Mode == PlanMode.AllOrNothing)).ConfigureAwait(false);
            replies = Unwrap(reply, requests.Count);
        }

        return plan.ToReply(replies);
    }

    /// <summary>A batch's replies, or its error repeated once per request when it failed as a whole.</summary>
    public static IReadOnlyList<IKvReply> Unwrap(IKvReply reply, int count) => reply switch
    {
        BatchResult result when result.Replies.Count == count => result.Replies,
        KvError error => Enumerable.Repeat<IKvReply>(error, count).ToArray(),
        _ => Enumerable.Repeat<IKvReply>(
            new KvError(ErrorCode.UnsupportedRequest, $"unexpected reply {reply.GetType().Name} to a batch of {count}"), count).ToArray(),
    };
}
