using Akka.Actor;
using KvActors.Client;
using Xunit.Abstractions;

namespace KvActors.Tests.Infrastructure;

/// <summary>
/// A real server (the <see cref="ServerTestKit"/> system, remoting on a free loopback port) plus the means to reach
/// it from a separate client ActorSystem, so every request crosses real remoting.
/// </summary>
public abstract class ClientTestKit(ITestOutputHelper output) : ServerTestKit(output)
{
    /// <summary>HOST:PORT the server's remoting is bound to.</summary>
    protected string ServerAddress
    {
        get
        {
            var address = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
            return $"{address.Host}:{address.Port}";
        }
    }

    /// <summary>The front's full path as the client names it in messages.</summary>
    protected string FrontPath => $"akka.tcp://kv@{ServerAddress}/user/kv";

    /// <summary>
    /// Connects a client. Unless a test is about timing, it gets a generous timeout: the tests share two cores,
    /// where a first write to a fresh journal can take longer than the default 5s.
    /// </summary>
    protected Task<KvClient> ConnectAsync(KvClientOptions? options = null) =>
        KvClient.ConnectAsync(ServerAddress, options ?? new KvClientOptions { Timeout = TimeSpan.FromSeconds(30) });
}
