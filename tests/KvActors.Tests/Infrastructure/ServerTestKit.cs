using Akka.Actor;
using Akka.Configuration;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Server.Persistence;
using KvActors.TestSupport;
using Xunit.Abstractions;

namespace KvActors.Tests.Infrastructure;

/// <summary>
/// A TestKit whose ActorSystem is wired exactly like the server (same HOCON, same SQLite journal and snapshot
/// store, in a temporary data directory).
/// <c>serialize-messages</c> stays off: Akka.Persistence.Sql's own internal messages (WriteFinished, and failures
/// carrying a SqliteException) cannot be serialized, and forcing it crashes the journal actor. Our protocol types
/// are covered instead by KvSerializerSpec and by the specs that cross real remoting.
/// </summary>
public abstract class ServerTestKit : Akka.TestKit.Xunit2.TestKit
{
    private readonly TempDirectory _dataDirectory;

    protected ServerTestKit(ITestOutputHelper output, ServerSettings? settings = null, string? extraHocon = null)
        : this(output, Bootstrap(settings, extraHocon, out var dir), dir)
    {
    }

    private ServerTestKit(ITestOutputHelper output, ServerBootstrap bootstrap, TempDirectory dataDirectory)
        : base(bootstrap.ToActorSystemSetup(), KvAddress.SystemName, output)
    {
        ServerBootstrap = bootstrap;
        _dataDirectory = dataDirectory;
    }

    protected ServerBootstrap ServerBootstrap { get; }

    protected string DataDirectory => ServerBootstrap.Storage.Location;

    /// <summary>The SQLite files behind the store (this kit always runs on SQLite).</summary>
    protected SqliteStorage Sqlite => (SqliteStorage)ServerBootstrap.Storage;

    /// <summary>The HOCON shipped in hocon/kv.conf, as the host loads it.</summary>
    public static Config ShippedConfig { get; } =
        ConfigurationFactory.ParseString(File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "hocon", "kv.conf")));

    /// <summary>Starts a front (and its store) and waits until the store has recovered and answers.</summary>
    protected IActorRef StartFront()
    {
        // The guardian frees the name of a stopped front a moment after watchers hear Terminated: retry until it has.
        IActorRef front = ActorRefs.Nobody;
        AwaitAssert(() => front = ServerBootstrap.StartFront(Sys), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        // Ask, not TestActor: a late answer to an attempt that timed out must not land in the test's mailbox.
        AwaitAssert(
            () => front.Ask<StoreStats>(GetStats.Instance, TimeSpan.FromSeconds(2)).GetAwaiter().GetResult(),
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
        return front;
    }

    /// <summary>Stops a front and its store and waits until both are gone, so the next one recovers from the journal.</summary>
    protected void StopFront(IActorRef front)
    {
        Watch(front);
        Sys.Stop(front);
        ExpectTerminated(front, TimeSpan.FromSeconds(10));
        Unwatch(front);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dataDirectory.Dispose();
    }

    private static ServerBootstrap Bootstrap(ServerSettings? settings, string? extraHocon, out TempDirectory dataDirectory)
    {
        dataDirectory = new TempDirectory("kvactors-test");
        var config = ConfigurationFactory.ParseString("""
                akka.loglevel = INFO
                """)
            .WithFallback(ConfigurationFactory.ParseString(extraHocon ?? string.Empty))
            .WithFallback(ShippedConfig);
        var effective = (settings ?? new ServerSettings()) with { Port = 0, DataDirectory = dataDirectory.Path };
        var bootstrap = new ServerBootstrap(effective, config);
        bootstrap.Storage.Prepare();
        return bootstrap;
    }
}
