using Akka.Actor;

namespace KvActors.Client.Connection;

/// <summary>
/// One resolved front and the life of the link to it. When the link breaks, <see cref="LostToken"/> fires so the
/// calls waiting on this front fail at once instead of waiting for their timeout.
/// </summary>
internal sealed class ServerSession(IActorRef front)
{
    private readonly CancellationTokenSource _lost = new();

    public IActorRef Front { get; } = front;

    public CancellationToken LostToken => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>The server's largest value, once asked (<see cref="KvActors.Protocol.GetServerInfo"/>); 0 until then.</summary>
    public int MaxValueBytes { get; set; }

    // Safe to call more than once and from any thread. The source is never disposed: in-flight calls may still
    // be linking to its token, and an undisposed source without timers holds nothing but memory.
    public void MarkLost() => _lost.Cancel();
}
