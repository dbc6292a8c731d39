using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using KvActors.Cluster;
using KvActors.Protocol;
using KvActors.Server;

namespace KvActors.Tests.Infrastructure;

/// <summary>
/// One cluster node in its own ActorSystem on 127.0.0.1 and a free port, wired as kv-server wires it in cluster
/// mode, sharing its journal directory with the other nodes of the test. Joined by hand (no seed list), since
/// ports are only known once bound.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    // Terminating a node's system must look like a crash to the others, not a graceful leave.
    private static readonly Config CrashOnTerminate = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.cluster.run-coordinated-shutdown-when-down = off
        """);

    private readonly ServerBootstrap _bootstrap;

    private ClusterNode(ServerBootstrap bootstrap, ActorSystem system)
    {
        _bootstrap = bootstrap;
        System = system;
    }

    public ActorSystem System { get; }

    public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);

    public Address Address => Cluster.SelfAddress;

    public IActorRef Front { get; private set; } = ActorRefs.Nobody;

    public static ClusterNode Start(string journalDirectory, int partitions)
    {
        var settings = new ServerSettings { Port = 0, DataDirectory = journalDirectory, Partitions = partitions, Cluster = true, RespPort = -1 };
        var bootstrap = ClusterBootstrap.ServerFor(settings, CrashOnTerminate.WithFallback(ServerTestKit.ShippedConfig));
        bootstrap.Storage.Prepare();
        return new ClusterNode(bootstrap, ActorSystem.Create(KvAddress.SystemName, bootstrap.ToActorSystemSetup()));
    }

    public void Join(Address seed) => Cluster.Join(seed);

    public void StartFront() => Front = _bootstrap.StartFront(System, ShardedPlacement.Instance);

    public Task<IKvReply> AskAsync(IKvRequest request, TimeSpan? timeout = null) =>
        Front.Ask<IKvReply>(request, timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>The partitions (shards) this node hosts now.</summary>
    public async Task<IReadOnlyCollection<string>> HostedPartitionsAsync()
    {
        var region = ClusterSharding.Get(System).ShardRegion(ClusterBootstrap.TypeName);
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return state.Shards.Select(s => s.ShardId).ToArray();
    }

    public async ValueTask DisposeAsync() => await System.Terminate();
}
