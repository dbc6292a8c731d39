using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence.Sql;
using KvActors.Protocol;
using KvActors.Server.Front;
using KvActors.Server.Ownership;
using KvActors.Server.Partition;
using KvActors.Server.Partitioning;
using KvActors.Server.Persistence;
using KvActors.Server.Routing;
using KvActors.Server.State;

namespace KvActors.Server;

/// <summary>
/// Turns <see cref="ServerSettings"/> into what an ActorSystem needs (configuration and setups) and starts the
/// front. Shared by the console host and the tests, so both run exactly the same wiring.
/// </summary>
public sealed class ServerBootstrap
{
    public ServerBootstrap(ServerSettings settings, Config baseConfig)
    {
        Settings = settings.Validate();
        // The PostgreSQL plugin tuning is built in (reference.conf); an operator's kv.postgres section is laid over it.
        Storage = StorageOption.Parse(settings.Journal, settings.DataDirectory, settings.Durability,
            baseConfig.WithFallback(ServerConfig.Default).GetConfig("kv.postgres") ?? Config.Empty);
        Limits = new StoreLimits(settings.MaxValueBytes);
        // A single server on SQLite holds the data directory's lock, so nobody else can own its partitions.
        Fence = new OwnershipFence(Storage.Ownership, LeaseSettings.FromConfig(baseConfig.GetConfig("kv.ownership")),
            exclusive: Storage is SqliteStorage && !Settings.IsClusterNode);
        Config = RemotingConfig.Transport(settings.Host, settings.Port, Limits.MaxValueBytes, Limits.MaxValueBytes)
            .WithFallback(Storage.ToConfig())
            .WithFallback(baseConfig)
            .WithFallback(ServerConfig.Default)
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    public ServerSettings Settings { get; }

    public IStorage Storage { get; }

    public StoreLimits Limits { get; }

    public Config Config { get; }

    public OwnershipFence Fence { get; }

    internal StoreSettings StoreSettings => new(0, Settings.SnapshotEvery, Storage.Location, Limits, Settings.MaxPendingRequests, Fence, Settings.ProgressEvery);

    /// <summary>Setups the ActorSystem must be created with (the storage's linq2db options travel in one).</summary>
    public ActorSystemSetup ToActorSystemSetup() => BootstrapSetup.Create().WithConfig(Config).And(Storage.ToSetup());

    /// <summary>
    /// Settles the partition layout of the data (recording it if the data is new), starts the partitions where
    /// <paramref name="placement"/> puts them (by default all here, under the front) and the front that routes to
    /// them. Blocks until the layout is known: nothing may be served under the wrong one.
    /// </summary>
    /// <exception cref="PartitionLayoutException">The configured partition count does not match the data.</exception>
    public IActorRef StartFront(ActorSystem system, IPartitionPlacement? placement = null)
    {
        // The front exists first and answers "starting" while the layout is read (that takes a second or two).
        var front = system.ActorOf(KvFront.Props(), KvAddress.FrontName);
        try
        {
            var map = ResolveLayout(system);
            var partitions = (placement ?? LocalPlacement.Instance).Place(system, StartFencing(system), map);
            front.Tell(new KvFront.Start(Limits, map, partitions));
            return front;
        }
        catch
        {
            // Gone before this returns, so that a caller may start another front under the same name.
            front.GracefulStop(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            throw;
        }
    }

    // Starts watching partition ownership for this system's stores; their settings carry the fence.
    private StoreSettings StartFencing(ActorSystem system)
    {
        Fence.Start(system.Log);
        system.RegisterOnTermination(Fence.Dispose);
        return StoreSettings;
    }

    /// <summary>
    /// The partition layout of the data, recorded now if the data is new. Nodes sharing a journal may race to
    /// record it: the loser's write fails on the sequence number and it reads the winner's record instead.
    /// </summary>
    /// <exception cref="PartitionLayoutException">The configured partition count does not match the data.</exception>
    internal PartitionMap ResolveLayout(ActorSystem system)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return ResolveLayoutAsync(system).GetAwaiter().GetResult();
            }
            catch (PartitionLayoutException e) when (e.RecordFailed && attempt < 3)
            {
                system.Log.Info("Another node recorded the partition layout first, or recording it failed ({0}); reading it again", e.Message);
            }
        }
    }

    // A recovery failure stops the keeper without an answer: the timeout turns that into a refusal to start.
    private async Task<PartitionMap> ResolveLayoutAsync(ActorSystem system)
    {
        var keeper = system.ActorOf(PartitionLayoutKeeper.Props(Settings.Partitions, Storage.Location));
        try
        {
            return await keeper.Ask<PartitionMap>(PartitionLayoutKeeper.Resolve.Instance, LayoutTimeout);
        }
        catch (AskTimeoutException)
        {
            system.Stop(keeper);
            throw new PartitionLayoutException($"the partition layout could not be read from the journal within {LayoutTimeout.TotalSeconds:0}s");
        }
    }

    private static readonly TimeSpan LayoutTimeout = TimeSpan.FromSeconds(30);
}
