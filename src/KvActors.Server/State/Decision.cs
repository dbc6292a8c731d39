using KvActors.Journal;
using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>
/// The outcome of deciding a write command: the events to persist and the reply to send once they are durable.
/// A rejected command has no events and its reply (an error) can be sent at once. A command that changes nothing
/// (a batch of reads, PERSIST on a key without TTL) has no events either, but a reply that is not an error.
/// </summary>
internal readonly record struct Decision(IReadOnlyList<IKvEvent> Events, IKvReply Reply)
{
    public static Decision Reject(ErrorCode code, string message) => new([], new KvError(code, message));

    public static Decision NoChange(IKvReply reply) => new([], reply);

    public bool IsRejected => Reply is KvError;
}
