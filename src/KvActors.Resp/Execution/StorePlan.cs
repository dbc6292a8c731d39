using KvActors.Protocol;
using KvActors.Resp.Protocol;

namespace KvActors.Resp.Execution;

/// <summary>
/// The protocol requests one Redis command needs, and how their replies (one per request, in order) read as its RESP
/// reply. When a batch fails as a whole, every request's reply is that batch's error.
/// </summary>
internal sealed record StorePlan(
    IReadOnlyList<IKvRequest> Requests, PlanMode Mode, Func<IReadOnlyList<IKvReply>, RespValue> ToReply)
{
    /// <summary>Only queries: it may only be sent once this connection's earlier writes are acknowledged.</summary>
    public bool IsRead { get; } = Requests.All(r => r is IKvQuery);

    /// <summary>This plan with each query that may be read stale wrapped as a <see cref="StaleRead"/>.</summary>
    public StorePlan ReadStale() => this with
    {
        Requests = Requests.Select(r => r is IKvQuery query && StaleRead.Allows(query) ? new StaleRead(query) : r).ToArray(),
    };

    public static StorePlan One(IKvRequest request, Func<IKvReply, RespValue> toReply) =>
        new([request], PlanMode.Batch, replies => toReply(replies[0]));
}
