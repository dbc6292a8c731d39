using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Resp.Execution;

/// <summary>
/// Sends protocol requests to the KvFront, the same actor remote clients use, so validation, limits and semantics
/// are shared. A missing reply becomes a <see cref="ErrorCode.Timeout"/> error, never an exception.
/// Requests are told to the front in call order, which is what keeps a connection's commands in order.
/// One per connection: its unanswered requests wait in a queue in send order, which is also deadline order, and one
/// periodic sweep (running only while requests are outstanding) times out the overdue ones at its head.
/// </summary>
internal sealed class StoreClient
{
    private readonly IActorRef _front;
    private readonly IActorRefProvider _provider;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _sweepPeriod;
    private readonly Queue<ReplySlot> _outstanding = new();
    private readonly ITimer _sweep;
    private readonly KvError _timedOut;
    private bool _sweeping;

    public StoreClient(IActorRef front, TimeSpan timeout)
    {
        _front = front;
        _provider = ((IInternalActorRef)front).Provider;
        _timeout = timeout;
        _sweepPeriod = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _timedOut = KvErrors.TimedOut("no reply", timeout);
        // Not started yet, and never started again once idle: an idle or abandoned client leaves no timer behind.
        _sweep = TimeProvider.System.CreateTimer(_ => Sweep(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether the timeout sweep is running (it runs only while requests are outstanding).</summary>
    internal bool IsSweeping
    {
        get
        {
            lock (_outstanding) return _sweeping;
        }
    }

    public Task<IKvReply> AskAsync(IKvRequest request)
    {
        ReplySlot slot;
        lock (_outstanding)
        {
            DropAnswered();
            slot = new ReplySlot(_provider, Environment.TickCount64 + (long)_timeout.TotalMilliseconds);
            _outstanding.Enqueue(slot);
            if (!_sweeping)
            {
                _sweeping = true;
                _sweep.Change(_sweepPeriod, _sweepPeriod);
            }
        }

        _front.Tell(request, slot);
        return slot.Task;
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        lock (_outstanding)
        {
            DropAnswered();
            while (_outstanding.TryPeek(out var oldest) && oldest.Deadline <= now)
            {
                _outstanding.Dequeue().Complete(_timedOut);
                DropAnswered();
            }

            if (_outstanding.Count > 0) return;
            _sweeping = false;
            _sweep.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void DropAnswered()
    {
        while (_outstanding.TryPeek(out var oldest) && oldest.IsCompleted) _outstanding.Dequeue();
    }
}
