using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server.Partition;
using KvActors.Server.Partitioning;
using KvActors.Server.Routing;
using KvActors.Server.State;

namespace KvActors.Server.Front;

/// <summary>
/// The entry point at <c>/user/kv</c>, local or over Akka.Remote, for the native client and the RESP listener alike.
/// Validates each request, then routes it by key (<see cref="RequestRouter"/>) to the <see cref="PartitionHost"/>
/// of its partition, forwarding with the caller as sender so the reply goes straight back. Requests that span
/// partitions are scattered and their replies merged here; stats get this node's own part added (its partitions,
/// their recovery times, the cluster membership).
/// The partitions are this actor's children on a single node, or entities of a shard region spread over the
/// cluster: the front is given how to reach them (<see cref="IPartitions"/>), and routing is the same either way.
/// </summary>
public sealed class KvFront : ReceiveActor
{
    // A scattered part not answered by then counts as timed out; callers' own timeouts are shorter.
    private static readonly TimeSpan PartTimeout = TimeSpan.FromSeconds(10);

    private RequestValidator _validator = null!;
    private RequestRouter _router = null!;
    // How long a replica has to say how far it has got before it is listed as unreachable.
    private static readonly TimeSpan ReplicaStatusTimeout = TimeSpan.FromSeconds(1);

    private IPartitions _partitions = null!;
    private IActorRef? _membership;
    private readonly string _node;
    private ServerInfo _info = null!;

    // The front exists before the partition layout is known: remote clients find /user/kv at once and are told the
    // server is starting instead of finding no front at all.
    public KvFront()
    {
        _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        Receive<Start>(start =>
        {
            Init(start);
            Become(() => ReceiveAny(Handle));
        });
        ReceiveAny(_ => Sender.Tell(KvError.Starting("the server is starting (reading the partition layout)")));
    }

    /// <summary>A front that answers "starting" until it is sent <see cref="Start"/>.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new KvFront());

    /// <summary>What a starting front needs to serve.</summary>
    public sealed record Start(StoreLimits Limits, PartitionMap Map, PlacedPartitions Partitions);

    private void Init(Start start)
    {
        _membership = start.Partitions.Membership;
        _info = new ServerInfo(start.Limits.MaxValueBytes);
        _validator = new RequestValidator(start.Limits);
        _router = new RequestRouter(start.Map, start.Limits.ScanPageBytes);
        _partitions = start.Partitions.Connect(Context);
        ServerReadiness.Get(Context.System).FrontStarted(start.Partitions.HostedHere);
    }

    private void Handle(object message)
    {
        if (message is not IKvRequest request)
        {
            Sender.Tell(new KvError(ErrorCode.UnsupportedRequest, $"unsupported message {message.GetType().Name}"));
            return;
        }

        if (_validator.Validate(request) is { } invalid)
        {
            Sender.Tell(invalid);
            return;
        }

        if (request is GetServerInfo)
        {
            Sender.Tell(_info);
            return;
        }

        if (request is IMembershipRequest)
        {
            if (_membership is not null) _membership.Forward(request);
            else Sender.Tell(new KvError(ErrorCode.UnsupportedRequest, "this server is a single node, not a cluster member (start it with --seed-nodes)"));
            return;
        }

        if (request is GetPartitionReplicas)
        {
            if (_partitions is IReplicatedPartitions replicated) replicated.ReplicasAsync(ReplicaStatusTimeout).PipeTo(Sender);
            else Sender.Tell(new KvError(ErrorCode.UnsupportedRequest, "only a Raft cluster keeps replicas of partitions (start it with --replication raft); see kv cluster members"));
            return;
        }

        var route = _router.Plan(request);
        if (request is GetStats)
        {
            StatsAsync(route).PipeTo(Sender);
            return;
        }

        switch (route)
        {
            case Route.ToPartition to:
                _partitions.Tell(to.Partition, request, Sender);
                break;
            case Route.Refused refused:
                Sender.Tell(refused.Error);
                break;
            case Route.Scatter scatter:
                ScatterAsync(scatter).PipeTo(Sender);
                break;
        }
    }

    // Parts are told (inside Ask) before this returns, in the order this actor handles requests, so a later request
    // to the same partition from the same caller cannot overtake them.
    private async Task<IKvReply> ScatterAsync(Route.Scatter scatter)
    {
        var replies = await Task.WhenAll(scatter.Parts.Select(part => AskPartAsync(part.Partition, part.Request)));
        return scatter.Gather(replies);
    }

    // Stats also describe the node that answers: the partitions it hosts (each store reports where it runs), how
    // they recovered, in a cluster the membership, and in a Raft cluster every replica. The partitions are asked first, before this returns.
    private async Task<IKvReply> StatsAsync(Route route)
    {
        var storeReply = route is Route.Scatter scatter ? ScatterAsync(scatter) : AskPartAsync(((Route.ToPartition)route).Partition, GetStats.Instance);
        var membersReply = _membership is null ? Task.FromResult<IKvReply?>(null) : AskMembershipAsync(_membership);
        var replicasReply = (_partitions as IReplicatedPartitions)?.ReplicasAsync(ReplicaStatusTimeout);
        var store = await storeReply;
        if (store is not StoreStats stats) return store;
        var members = await membersReply;
        if (members is KvError error) return error;
        return stats with
        {
            Node = _node,
            Recoveries = stats.Recoveries.Where(r => r.Node == _node).ToArray(),
            Cluster = members as ClusterMembers,
            Replication = replicasReply is null ? null : await replicasReply as PartitionReplicas,
        };
    }

    private static async Task<IKvReply?> AskMembershipAsync(IActorRef membership)
    {
        try
        {
            return await membership.Ask<IKvReply>(GetClusterMembers.Instance, PartTimeout);
        }
        catch (AskTimeoutException)
        {
            return new KvError(ErrorCode.Timeout, $"the cluster membership did not answer within {PartTimeout.TotalSeconds:0}s");
        }
    }

    private async Task<IKvReply> AskPartAsync(int partition, IKvRequest request)
    {
        try
        {
            return await _partitions.AskAsync(partition, request, PartTimeout);
        }
        catch (AskTimeoutException)
        {
            return KvErrors.TimedOut("a partition did not answer", PartTimeout);
        }
    }
}
