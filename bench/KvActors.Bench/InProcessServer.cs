using Akka.Actor;
using Akka.Configuration;
using KvActors.Protocol;
using KvActors.Server;

namespace KvActors.Bench;

/// <summary>A server ActorSystem in this process, wired exactly like the host (same HOCON, same SQLite files).</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private InProcessServer(ActorSystem system, IActorRef front)
    {
        System = system;
        Front = front;
    }

    public ActorSystem System { get; }

    public IActorRef Front { get; }

    /// <summary>Starts the server and returns once the store has recovered and answers.</summary>
    public static async Task<InProcessServer> StartAsync(ServerSettings settings)
    {
        var hocon = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", "kv.conf")))
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        var bootstrap = new ServerBootstrap(settings with { Port = 0 }, ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(hocon));
        bootstrap.Storage.Prepare();
        var system = ActorSystem.Create(KvAddress.SystemName, bootstrap.ToActorSystemSetup());
        var front = bootstrap.StartFront(system);
        await front.Ask<StoreStats>(GetStats.Instance, TimeSpan.FromMinutes(5));
        return new InProcessServer(system, front);
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
