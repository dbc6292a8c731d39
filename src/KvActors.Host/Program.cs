using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using KvActors.Cluster;
using KvActors.Host;
using KvActors.Resp;
using KvActors.Server;
using KvActors.Server.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

SocketCompletions.RunInline();
return await ServerCommand.Create(RunAsync).Parse(args).InvokeAsync();

static async Task<int> RunAsync(ServerSettings settings, Config config, CancellationToken cancellationToken)
{
    var bootstrap = new ServerBootstrap(settings, settings.IsClusterNode ? ClusterBootstrap.ConfigFor(settings, config) : config);
    var resp = settings.RespPort == ServerSettings.RespDisabled
        ? null
        : (RespSettings.FromConfig(config) with { Host = settings.Host, Port = settings.RespPort }).Validate();
    // Only a single node's embedded journal belongs to one process. Cluster nodes share their journal (PostgreSQL,
    // or one SQLite file for development); Cluster.Sharding runs each partition on one node at a time, and the
    // journal's sequence numbers refuse a second writer of a partition.
    using var dataLock = bootstrap.Storage is SqliteStorage sqlite && !settings.IsClusterNode ? LockDataDirectory(sqlite.DataDirectory) : null;

    StartupChecks.EnsurePortFree(settings.Host, settings.Port);
    if (settings.RespPort > 0) StartupChecks.EnsurePortFree(settings.Host, settings.RespPort);
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
    builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
    builder.Services.AddAkka(ServerBootstrap.SystemName, akka =>
    {
        akka.AddHocon(bootstrap.Config, HoconAddMode.Replace)
            .AddSetup(bootstrap.Storage.ToSetup())
            .ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory())
            .WithActors((system, registry) =>
            {
                var front = settings.IsClusterNode ? ClusterBootstrap.StartFront(system, bootstrap) : bootstrap.StartFront(system);
                registry.Register<ServerBootstrap>(front);
                if (resp is not null) RespListener.Start(system, front, resp);
                var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
                system.Log.Info("KvActors serving at {0}/user/kv; journal: {1}; snapshot every {2} events per partition",
                    address, bootstrap.Storage.Describe(), settings.SnapshotEvery);
            });
    });

    using var host = builder.Build();
    try
    {
        await host.RunAsync(cancellationToken);
    }
    catch (Exception e) when (e is not OperationCanceledException)
    {
        throw new StartupException($"failed to start: {e.GetBaseException().Message}");
    }

    return 0;
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
