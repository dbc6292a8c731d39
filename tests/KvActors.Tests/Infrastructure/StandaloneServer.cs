using Akka.Actor;
using Akka.Configuration;
using KvActors.Protocol;
using KvActors.Server;

namespace KvActors.Tests.Infrastructure;

/// <summary>
/// A server in its own ActorSystem, wired like the real host, that a test can terminate and start again on the
/// same port and storage (what <see cref="ServerTestKit"/>, owning its system, cannot do).
/// </summary>
public sealed class StandaloneServer : IAsyncDisposable
{
    private readonly ActorSystem _system;

    private StandaloneServer(ActorSystem system, IActorRef front)
    {
        _system = system;
        Front = front;
    }

    /// <summary>The front (/user/kv), for specs that ask it directly.</summary>
    public IActorRef Front { get; }

    public static Task<StandaloneServer> StartAsync(int port, string dataDirectory) =>
        StartAsync(new ServerSettings { Port = port, DataDirectory = dataDirectory });

    /// <param name="waitUntilServing">Return only once the store answers (false: at once, for a store that may wait).</param>
    public static async Task<StandaloneServer> StartAsync(ServerSettings settings, bool waitUntilServing = true)
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(ServerTestKit.ShippedConfig);
        var bootstrap = new ServerBootstrap(settings, config);
        bootstrap.Storage.Prepare();
        var system = ActorSystem.Create(KvAddress.SystemName, bootstrap.ToActorSystemSetup());
        var front = bootstrap.StartFront(system);
        // Requests wait in the front until the store has recovered, so one answered request means ready.
        if (waitUntilServing) await front.Ask<StoreStats>(GetStats.Instance, TimeSpan.FromSeconds(20));
        return new StandaloneServer(system, front);
    }

    public Task<IKvReply> AskAsync(IKvRequest request, TimeSpan? timeout = null) =>
        Front.Ask<IKvReply>(request, timeout ?? TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync() => await _system.Terminate();
}
