using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence.Sql;
using KvActors.Protocol;
using KvActors.Server.Front;
using KvActors.Server.Persistence;
using KvActors.Server.State;
using KvActors.Server.Store;

namespace KvActors.Server;

/// <summary>
/// Turns <see cref="ServerSettings"/> into what an ActorSystem needs (configuration and setups) and starts the
/// front. Shared by the console host and the tests, so both run exactly the same wiring.
/// </summary>
public sealed class ServerBootstrap
{
    public const string SystemName = "kv";

    public ServerBootstrap(ServerSettings settings, Config baseConfig)
    {
        Settings = settings.Validate();
        Storage = StorageOption.Parse(
            settings.Journal, settings.DataDirectory, settings.Durability, baseConfig.GetConfig("kv.postgres") ?? Config.Empty);
        Limits = new StoreLimits(settings.MaxValueBytes);
        Config = ConfigurationFactory.ParseString($$"""
                akka.remote.dot-netty.tcp {
                  hostname = "{{settings.Host}}"
                  port = {{settings.Port}}
                  maximum-frame-size = {{Limits.RemotingFrameBytes}}b
                  send-buffer-size = {{Limits.RemotingFrameBytes * 2}}b
                  receive-buffer-size = {{Limits.RemotingFrameBytes * 2}}b
                }
                """)
            .WithFallback(Storage.ToConfig())
            .WithFallback(baseConfig)
            .WithFallback(ProtocolConfig.Default)
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    public ServerSettings Settings { get; }

    public IStorage Storage { get; }

    public StoreLimits Limits { get; }

    public Config Config { get; }

    public StoreSettings StoreSettings => new(0, Settings.SnapshotEvery, Storage.Location, Limits);

    /// <summary>Setups the ActorSystem must be created with (the storage's linq2db options travel in one).</summary>
    public ActorSystemSetup ToActorSystemSetup() => BootstrapSetup.Create().WithConfig(Config).And(Storage.ToSetup());

    /// <summary>Starts the front, which starts and supervises the store.</summary>
    public IActorRef StartFront(ActorSystem system) => system.ActorOf(KvFront.Props(StoreSettings), KvFront.Name);
}
