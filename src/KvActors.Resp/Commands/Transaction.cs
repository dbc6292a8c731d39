using KvActors.Protocol;
using KvActors.Resp.Execution;
using KvActors.Resp.Protocol;

namespace KvActors.Resp.Commands;

/// <summary>
/// The commands a connection queued between MULTI and EXEC. EXEC sends all their requests as one
/// <see cref="Batch"/>, so the transaction is one atomic journal write; like Redis, a command that fails at run time
/// does not undo the others (the batch is not all-or-nothing). A command that could not even be queued (unknown,
/// wrong arity, bad syntax) aborts the transaction, and EXEC answers EXECABORT.
/// With several partitions the store applies the batch only if all its keys share one; otherwise the front refuses
/// it whole (nothing is applied) and EXEC answers Redis Cluster's CROSSSLOT error, as one error, not per command.
/// </summary>
internal sealed class Transaction
{
    private readonly List<CommandAction> _queued = [];

    public bool Aborted { get; private set; }

    public void Queue(CommandAction action)
    {
        if (action is CommandAction.Sequence) throw new ArgumentException("a multi-step command cannot be queued", nameof(action));
        _queued.Add(action);
    }

    public void Abort() => Aborted = true;

    /// <summary>What EXEC does: one batch for every queued request, replies split back per command.</summary>
    public CommandAction ToExec()
    {
        var requests = new List<IKvRequest>();
        var slots = new List<(CommandAction Action, int First, bool Nested)>();
        foreach (var action in _queued)
        {
            if (action is CommandAction.Store { Plan: var plan })
            {
                // An all-or-nothing plan keeps its own all-or-nothing batch, nested inside the transaction's.
                var nested = plan.Mode == PlanMode.AllOrNothing && plan.Requests.Count > 1;
                slots.Add((action, requests.Count, nested));
                if (nested) requests.Add(new Batch(plan.Requests, AllOrNothing: true));
                else requests.AddRange(plan.Requests);
            }
            else
            {
                slots.Add((action, requests.Count, false));
            }
        }

        if (requests.Count == 0) return CommandAction.Of(RespValue.Array(slots.Select(s => Local(s.Action)).ToArray()));
        return CommandAction.Of(new StorePlan(requests, PlanMode.Batch, replies => Refused(replies) ??
            RespValue.Array(slots.Select(slot => slot.Action switch
            {
                CommandAction.Store { Plan: var plan } when slot.Nested =>
                    plan.ToReply(PlanExecutor.Unwrap(replies[slot.First], plan.Requests.Count)),
                CommandAction.Store { Plan: var plan } =>
                    plan.ToReply(replies.Skip(slot.First).Take(plan.Requests.Count).ToArray()),
                var local => Local(local),
            }).ToArray())));
    }

    // CrossPartition only ever answers a request as a whole (the router refuses it before any partition sees it), so
    // one in the replies means the transaction was refused and none of it applied.
    private static RespValue? Refused(IReadOnlyList<IKvReply> replies) =>
        replies.OfType<KvError>().FirstOrDefault(e => e.Code == ErrorCode.CrossPartition) is { } refused ? RespErrors.From(refused) : null;

    private static RespValue Local(CommandAction action) => ((CommandAction.Reply)action).Value;
}
