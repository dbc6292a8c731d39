using Akka.Actor;
using Akka.Event;
using KvActors.Protocol;

namespace KvActors.Cluster;

/// <summary>
/// Answers the requests Cluster.Sharding drops while it moves a partition. A shard region buffers what arrives for
/// a partition between the coordinator's BeginHandOff and HandOff, then drops that buffer (to avoid re-ordering) and
/// publishes each message as <see cref="Dropped"/> with its original sender. Unanswered, each such request would
/// wait out its caller's whole timeout (20 s for a client's write) and end as "outcome unknown". It never reached
/// the partition, so it is answered at once as unavailable and not applied, which clients retry (as a Redis Cluster
/// client retries TRYAGAIN during a slot migration).
/// </summary>
internal sealed class HandOffDropReplier : ReceiveActor
{
    public HandOffDropReplier()
    {
        // Dropped reaches the event stream wrapped in a DeadLetter when it was told to deadLetters, as sharding does.
        Receive<DeadLetter>(letter => letter.Message is Dropped dropped, letter => Answer((Dropped)letter.Message));
        Receive<Dropped>(Answer);
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new HandOffDropReplier());

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        Context.System.EventStream.Subscribe(Self, typeof(Dropped));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private static void Answer(Dropped dropped)
    {
        if (dropped.Message is not PartitionEnvelope envelope || dropped.Sender.IsNobody()) return;
        dropped.Sender.Tell(NotDelivered(envelope.Partition, dropped.Reason));
    }

    public static KvError NotDelivered(int partition, string reason) =>
        new(ErrorCode.Unavailable, $"partition {partition} was moving to another node and the request was dropped before reaching it ({reason}); not applied, retry");
}
