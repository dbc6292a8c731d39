using KvActors.Resp.Commands;
using KvActors.Resp.Execution;
using KvActors.Resp.Protocol;
using KvActors.Resp.Server;

namespace KvActors.Resp.Connection;

/// <summary>
/// Turns one connection's commands, in order, into pending replies, and decides when each may go to the store so
/// that the connection sees its own effects as Redis guarantees:
/// <list type="bullet">
/// <item>Writes go out at once, back to back: the front and the store keep their order.</item>
/// <item>A read waits until this connection's earlier writes are acknowledged, because the store answers reads
/// from durable state only and an unacknowledged write is not durable yet.</item>
/// <item>A multi-step command (KEYS) runs alone: nothing after it is sent until it has finished.</item>
/// </list>
/// Between MULTI and EXEC, commands are translated and queued instead.
/// </summary>
internal sealed class CommandDispatcher(ClientSession session, RespServerState server, StoreClient store)
{
    private static readonly RespValue Queued = RespValue.Simple("QUEUED");

    private readonly CommandContext _context = new(session, server);
    private readonly List<Task> _unacknowledgedWrites = [];
    private Task _runningSequence = Task.CompletedTask;

    public async ValueTask<PendingReply> DispatchAsync(RespCommand command)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var reply = await DispatchUnmeasuredAsync(command).ConfigureAwait(false);
        var name = CommandTable.Find(new CommandArgs(command.Args)[0])?.Name ?? "unknown";
        if (reply.Reply.IsCompletedSuccessfully)
        {
            Measure(name, started, reply.Reply.Result);
            return reply;
        }

        // A ValueTask may be awaited once: the writer and the measurement share one Task instead.
        var task = reply.Reply.AsTask();
        _ = MeasureWhenDoneAsync(name, started, task);
        return reply with { Reply = new ValueTask<RespValue>(task) };
    }

    private static async Task MeasureWhenDoneAsync(string name, long started, Task<RespValue> reply)
    {
        try
        {
            Measure(name, started, await reply.ConfigureAwait(false));
        }
        catch (Exception)
        {
            Measure(name, started, null);
        }
    }

    // Outcome "ok", or the error's first word (ERR, LOADING, WRONGTYPE, ...): few values, as Prometheus labels need.
    private static void Measure(string command, long started, RespValue? reply)
    {
        var outcome = reply is not { } value ? "failed" : value.IsError ? ErrorWord(value) : "ok";
        var front = new KeyValuePair<string, object?>("front", "resp");
        var name = new KeyValuePair<string, object?>("command", command);
        RespMetrics.Requests.Add(1, front, name, new KeyValuePair<string, object?>("outcome", outcome));
        RespMetrics.RequestDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, front, name);
    }

    private static string ErrorWord(RespValue error)
    {
        var text = error.Text;
        var space = text.IndexOf(' ');
        return space > 0 ? text[..space] : "ERR";
    }

    private async ValueTask<PendingReply> DispatchUnmeasuredAsync(RespCommand command)
    {
        server.Stats.CommandProcessed();
        var args = new CommandArgs(command.Args);
        CommandAction action;
        try
        {
            action = Translate(args);
        }
        catch (CommandException e)
        {
            return Ready(RespValue.Error(e.Message));
        }

        switch (action)
        {
            case CommandAction.Reply reply:
                return Ready(reply.Value, reply.CloseConnection);

            case CommandAction.Store or CommandAction.Sequence when server.Settings.IsLoading?.Invoke() == true:
                return Ready(RespValue.Error(RespErrors.Loading));

            case CommandAction.Store { Plan: var plan }:
                await _runningSequence.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (plan.IsRead) await WritesAcknowledgedAsync().ConfigureAwait(false);
                var result = PlanExecutor.RunAsync(plan.IsRead && session.ReadsStale ? plan.ReadStale() : plan, store);
                if (!plan.IsRead) Track(result);
                return Pending(result);

            case CommandAction.Sequence sequence:
                await _runningSequence.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await WritesAcknowledgedAsync().ConfigureAwait(false);
                var running = sequence.Run(store);
                _runningSequence = running;
                return Pending(running);

            default:
                throw new InvalidOperationException($"unknown command action {action.GetType().Name}");
        }
    }

    // Throws CommandException for anything the client got wrong; inside MULTI, that also dooms the transaction.
    private CommandAction Translate(CommandArgs args)
    {
        var spec = CommandTable.Find(args[0]);
        var transaction = session.Transaction;
        var queueing = transaction is not null && spec?.Flags.HasFlag(CommandFlags.TransactionControl) != true;
        try
        {
            if (spec is null) throw new CommandException(RespErrors.UnknownCommand(args));
            if (!spec.AcceptsArgumentCount(args.Count)) throw new CommandException(RespErrors.WrongArity(spec.Name));
            if (!queueing) return spec.Handler(args, _context);

            if (spec.Flags.HasFlag(CommandFlags.NoMulti)) throw new CommandException(RespErrors.NotAllowedInMulti);
            transaction!.Queue(spec.Handler(args, _context));
            return CommandAction.Of(Queued);
        }
        catch (CommandException) when (queueing)
        {
            transaction!.Abort();
            throw;
        }
    }

    private PendingReply Ready(RespValue value, bool closeAfter = false) =>
        new(new ValueTask<RespValue>(value), session.Version, closeAfter);

    private PendingReply Pending(Task<RespValue> reply) => new(new ValueTask<RespValue>(reply), session.Version);

    private void Track(Task write)
    {
        if (_unacknowledgedWrites.Count >= 64) _unacknowledgedWrites.RemoveAll(t => t.IsCompleted);
        _unacknowledgedWrites.Add(write);
    }

    private async ValueTask WritesAcknowledgedAsync()
    {
        if (_unacknowledgedWrites.Count == 0) return;
        _unacknowledgedWrites.RemoveAll(t => t.IsCompleted);
        if (_unacknowledgedWrites.Count == 0) return;
        await Task.WhenAll(_unacknowledgedWrites).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _unacknowledgedWrites.Clear();
    }
}
