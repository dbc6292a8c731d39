using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Resp.Execution;

/// <summary>
/// The sender of one request: a bare actor ref whose first message completes <see cref="Task"/>. It replaces Ask,
/// which also builds a timer, a cancellation source and a clean-up continuation per request; here the owning
/// <see cref="StoreClient"/> enforces the timeout for all its slots with one sweep. It is registered under a temp
/// path like Ask's ref, so a reply from another node can still find it.
/// </summary>
internal sealed class ReplySlot : MinimalActorRef
{
    private readonly TaskCompletionSource<IKvReply> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReplySlot(IActorRefProvider provider, long deadline)
    {
        Provider = provider;
        Path = provider.TempPath();
        Deadline = deadline;
        provider.RegisterTempActor(this, Path);
    }

    public override ActorPath Path { get; }

    public override IActorRefProvider Provider { get; }

    /// <summary>When, in <see cref="Environment.TickCount64"/> milliseconds, the request counts as unanswered.</summary>
    public long Deadline { get; }

    public Task<IKvReply> Task => _reply.Task;

    public bool IsCompleted => _reply.Task.IsCompleted;

    /// <summary>Answers the request with <paramref name="reply"/> unless it has been answered; later replies are dropped.</summary>
    public void Complete(IKvReply reply)
    {
        if (_reply.TrySetResult(reply)) Provider.UnregisterTempActor(Path);
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        switch (message)
        {
            case IKvReply reply:
                Complete(reply);
                break;
            // What Ask did with a failure (a PipeTo of a faulted task): the command fails with its cause.
            case Status.Failure failure:
                if (_reply.TrySetException(failure.Cause)) Provider.UnregisterTempActor(Path);
                break;
            default:
                if (_reply.TrySetException(new InvalidCastException($"unexpected reply {message.GetType().Name} from the store")))
                    Provider.UnregisterTempActor(Path);
                break;
        }
    }
}
