using Akka.Actor;
using Akka.Configuration;
using KvActors.Protocol;
using KvActors.Server;

namespace KvActors.Tests.Infrastructure;

/// <summary>
/// A server in its own ActorSystem on a fixed port, wired like the real host, that a test can stop and start
/// again on the same port and data directory (what <see cref="ServerTestKit"/>, owning its system, cannot do).
/// </summary>
public sealed class StandaloneServer : IAsyncDisposable
{
    private readonly ActorSystem _system;

    private StandaloneServer(ActorSystem system) => _system = system;

    public static async Task<StandaloneServer> StartAsync(int port, string dataDirectory)
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(ServerTestKit.ShippedConfig);
        var bootstrap = new ServerBootstrap(new ServerSettings { Port = port, DataDirectory = dataDirectory }, config);
        bootstrap.Storage.PrepareFiles();
        var system = ActorSystem.Create(ServerBootstrap.SystemName, bootstrap.ToActorSystemSetup());
        var front = bootstrap.StartFront(system);
        // Requests wait in the front until the store has recovered, so one answered request means ready.
        await front.Ask<StoreStats>(GetStats.Instance, TimeSpan.FromSeconds(20));
        return new StandaloneServer(system);
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();
}
