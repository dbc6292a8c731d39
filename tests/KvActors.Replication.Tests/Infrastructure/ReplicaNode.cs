using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence.Sql;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Server.Persistence;

namespace KvActors.Replication.Tests.Infrastructure;

/// <summary>
/// One node: its own ActorSystem on 127.0.0.1, remoting as the server configures it (hocon/kv.conf), and its own
/// SQLite data directory holding the journal of the replicas it hosts.
/// </summary>
public sealed class ReplicaNode : IAsyncDisposable
{
    // KV_TEST_LOGLEVEL=INFO shows the replicas' leadership and recovery lines when a spec needs explaining.
    // A short gate: a node that comes back on its old port is reachable again at once, not after Akka's 5 s.
    private static readonly Config TestConfig = ConfigurationFactory.ParseString($"""
        akka.loglevel = {Environment.GetEnvironmentVariable("KV_TEST_LOGLEVEL") ?? "WARNING"}
        akka.remote.retry-gate-closed-for = 200ms
        """);

    private static readonly Config ShippedConfig =
        ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", "kv.conf")));

    private ReplicaNode(ActorSystem system) => System = system;

    public ActorSystem System { get; }

    public Address Address => ((ExtendedActorSystem)System).Provider.DefaultAddress;

    public IActorRef Host { get; private set; } = ActorRefs.Nobody;

    /// <summary>Starts the ActorSystem; <paramref name="port"/> 0 picks a free one. <paramref name="overrides"/> go
    /// before everything else.</summary>
    public static ReplicaNode Start(string dataDirectory, int port, Config? overrides = null)
    {
        var storage = new SqliteStorage(dataDirectory, Durability.Process);
        storage.Prepare();
        var config = (overrides ?? Config.Empty).WithFallback(RemotingConfig.Transport("127.0.0.1", port, ProtocolLimits.DefaultMaxValueBytes, ProtocolLimits.DefaultMaxValueBytes)
            .WithFallback(storage.ToConfig()))
            .WithFallback(TestConfig)
            .WithFallback(ShippedConfig)
            .WithFallback(ReplicationConfig.Default)
            .WithFallback(ServerConfig.Default)
            .WithFallback(SqlPersistence.DefaultConfiguration);
        var setup = BootstrapSetup.Create().WithConfig(config).And(storage.ToSetup());
        return new ReplicaNode(ActorSystem.Create(KvAddress.SystemName, setup));
    }

    public void StartHost(ReplicationSettings settings, IReadOnlyList<ReplicaGroup> groups) =>
        Host = System.ActorOf(ReplicationHost.Props(settings, groups), ReplicationHost.Name);

    public Task<IKvReply> AskAsync(IKvRequest request, int partition = 0, TimeSpan? timeout = null) =>
        Host.Ask<IKvReply>(new PartitionEnvelope(partition, request), timeout ?? TimeSpan.FromSeconds(5));

    public Task<ReplicaState> StateAsync(int partition = 0) =>
        Host.Ask<ReplicaState>(new GetReplicaState(partition), TimeSpan.FromSeconds(3));

    /// <summary>Stops the system at once, as a crash looks to the other nodes: connections drop, nothing is handed over.</summary>
    public async ValueTask DisposeAsync() => await System.Terminate();
}
