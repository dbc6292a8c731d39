using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using KvActors.Cluster;
using KvActors.Host;
using KvActors.Host.Logging;
using KvActors.Protocol;
using KvActors.Resp;
using KvActors.Server;
using KvActors.Server.Partition;
using KvActors.Server.Partitioning;
using KvActors.Server.Persistence;
using KvActors.Server.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

SocketCompletions.RunInline();
return await ServerCommand.Create(RunAsync).Parse(args).InvokeAsync();

static async Task<int> RunAsync(ServerSettings settings, Config config, CancellationToken cancellationToken)
{
    var bootstrap = ClusterBootstrap.ServerFor(settings, config);
    var resp = settings.RespPort == ServerSettings.RespDisabled
        ? null
        : (RespSettings.FromConfig(config) with { Host = settings.Host, Port = settings.RespPort }).Validate();
    // A single node's embedded journal belongs to one process, and so does a Raft node's (its replicas' logs).
    // Shared-journal cluster nodes share theirs (PostgreSQL, or one SQLite file for development); Cluster.Sharding
    // runs each partition on one node at a time, and the journal's sequence numbers refuse a second writer of a
    // partition.
    var ownJournal = !settings.IsClusterNode || settings.Replication == ReplicationMode.Raft;
    using var dataLock = bootstrap.Storage is SqliteStorage sqlite && ownJournal ? LockDataDirectory(sqlite.DataDirectory) : null;
    if (bootstrap.Storage is SqliteStorage recorded) CheckReplicationRecord(recorded, settings);

    using var portLock = ListenPortLock.Acquire(settings.Host, settings.Port);
    StartupChecks.EnsurePortFree(settings.Host, settings.Port);
    if (settings.RespPort > 0) StartupChecks.EnsurePortFree(settings.Host, settings.RespPort);
    var httpPort = config.GetInt("kv.http-port", 8053);
    if (httpPort > 0) StartupChecks.EnsurePortFree(settings.Host, httpPort);
    // A large data directory's integrity check takes a while; it says how far it got.
    if (bootstrap.Storage is SqliteStorage checkedStorage && LogLevels.Parse(config.GetString("akka.loglevel", "INFO")) <= Akka.Event.LogLevel.InfoLevel)
    {
        checkedStorage.ProgressLog = StartupLog.Info;
        checkedStorage.ProgressEvery = settings.ProgressEvery;
    }
    try
    {
        bootstrap.Storage.Prepare();
    }
    catch (StorageException e)
    {
        throw new StartupException(e.Message);
    }

    // No default configuration sources: settings come from flags, KV_* variables and HOCON (ServerCommand), and the
    // defaults would watch the working directory tree for appsettings.json changes, which costs start-up time.
    var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(
        new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
    // Akka's events are the log (ConsoleLogger: one line, one timestamp). Microsoft.Extensions.Logging has no
    // provider: the generic host's lifetime chatter and its crit/fail stack traces for a failed start are not
    // shown; a failed start is reported once, as one line, by ServerCommand.
    builder.Logging.ClearProviders();
    Exception? startFailure = null;
    IHost? running = null;
    builder.Services.AddAkka(KvAddress.SystemName, akka =>
    {
        akka.AddHocon(bootstrap.Config, HoconAddMode.Replace)
            .AddSetup(bootstrap.Storage.ToSetup())
            .ConfigureLoggers(loggers => loggers.ClearLoggers().AddLogger<ConsoleLogger>())
            .WithActors((system, registry) =>
            {
                try
                {
                    StartServing(system, registry);
                }
                catch (Exception e)
                {
                    // Thrown out of here, Akka.Hosting and the generic host would each log it with a stack trace.
                    startFailure = e;
                    running?.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
                }
            });

        void StartServing(ActorSystem system, IActorRegistry registry)
        {
            system.ActorOf(ConnectionLog.Props(), "connection-log");
            var readiness = ServerReadiness.Get(system);
            HostMetrics.Register(system, settings.IsClusterNode);
            // Up before the layout is read, so that /health/ready and /metrics show a start-up as it happens.
            if (httpPort != HttpEndpoint.Disabled) HttpEndpoint.StartAsync(system, settings.Host, httpPort).GetAwaiter().GetResult();
            // The front answers "starting" from the moment it exists; RESP opens once the partition layout is known and
            // says -LOADING until every partition serves, as Redis does while it loads.
            var front = bootstrap.StartFront(system, settings.IsClusterNode ? ClusterBootstrap.PlacementFor(settings) : LocalPlacement.Instance);
            registry.Register<ServerBootstrap>(front);
            if (resp is not null) RespListener.Start(system, front, resp with { IsLoading = () => readiness.IsLoading });
            var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
            // "serving" is said once this node serves: on a single node, when every partition has recovered (or failed
            // to, and answers Unavailable while it is retried); a cluster node serves (forwarding to the partitions'
            // owners) as soon as its front is up.
            var serving = settings.IsClusterNode ? Task.CompletedTask : readiness.WhenFirstLoaded;
            serving.ContinueWith(_ => system.Log.Info("KvActors serving at {0}{1}; journal: {2}; snapshot every {3} events per partition",
                address, KvAddress.FrontPath, bootstrap.Storage.Describe(), settings.SnapshotEvery), TaskScheduler.Default);
        }
    });

    using var host = builder.Build();
    running = host;
    try
    {
        await host.RunAsync(cancellationToken);
    }
    catch (Exception e) when (e is not OperationCanceledException)
    {
        throw new StartupException($"failed to start: {e.GetBaseException().Message}");
    }

    if (startFailure is not null) throw new StartupException(startFailure is PartitionLayoutException
        ? startFailure.Message
        : $"failed to start: {startFailure.GetBaseException().Message}");

    return 0;
}

// Before the journal is opened: a new Raft node's data directory must not hold a journal yet.
static void CheckReplicationRecord(SqliteStorage storage, ServerSettings settings)
{
    try
    {
        ReplicationRecord.Check(storage.DataDirectory, storage.JournalFile, settings);
    }
    catch (PartitionLayoutException e)
    {
        throw new StartupException(e.Message);
    }
}

static DataDirectoryLock LockDataDirectory(string dataDirectory)
{
    StartupChecks.EnsureWritable(dataDirectory);
    try
    {
        return DataDirectoryLock.Acquire(dataDirectory);
    }
    catch (IOException e)
    {
        throw new StartupException(e.Message);
    }
}
