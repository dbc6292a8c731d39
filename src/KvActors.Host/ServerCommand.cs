using System.CommandLine;
using Akka.Configuration;
using KvActors.Server;

namespace KvActors.Host;

/// <summary>
/// The command line of kv-server. Precedence, highest first: flags, KV_* environment variables, the HOCON file,
/// built-in defaults.
/// </summary>
internal static class ServerCommand
{
    private static readonly Option<string?> Host = new("--host") { Description = "Address to bind remoting on (default 127.0.0.1)" };
    private static readonly Option<int?> Port = new("--port") { Description = "Remoting port (default 4053; 0 picks a free one)" };
    private static readonly Option<string?> DataDir = new("--data-dir") { Description = "Directory for the journal and snapshots (default ./data)" };
    private static readonly Option<string?> Journal = new("--journal") { Description = "sqlite:DIR or postgres:CONNECTION_STRING (default: SQLite in --data-dir)" };
    private static readonly Option<int?> SnapshotEvery = new("--snapshot-every") { Description = "Snapshot every N events, or as many as the last snapshot had keys if more (default 50000)" };
    private static readonly Option<int?> Partitions = new("--partitions") { Description = "Partition count for new data (default 1); existing data keeps its own. See hocon/kv.conf" };
    private static readonly Option<string?> DurabilityOption = new("--durability") { Description = "process (survives kill -9) or fsync (survives power loss)" };
    private static readonly Option<int?> MaxValueBytes = new("--max-value-bytes") { Description = "Largest value accepted (default 1048576)" };
    private static readonly Option<int?> RespPort = new("--resp-port") { Description = "Redis protocol (RESP) port (default 6379; 0 picks a free one, -1 turns RESP off)" };
    private static readonly Option<string?> SeedNodes = new("--seed-nodes") { Description = "Cluster mode: remoting HOST:PORT of the seed nodes, comma-separated (this node may be one)" };
    private static readonly Option<string?> Replication = new("--replication") { Description = "Cluster mode: shared-journal (default; one journal all nodes share) or raft (each partition replicated on the seed nodes' own disks)" };
    private static readonly Option<int?> Replicas = new("--replicas") { Description = "Raft mode: replicas per partition, odd (default 3; fewer seed nodes give one per node)" };
    private static readonly Option<string?> Roles = new("--roles") { Description = "Cluster roles of this node, comma-separated" };
    private static readonly Option<int?> HttpPort = new("--http-port") { Description = "HTTP port for /metrics and /health/* (default 8053; 0 picks a free one, -1 turns it off)" };
    private static readonly Option<string?> LogLevel = new("--log-level") { Description = "debug, info (default), warning, error or off" };
    private static readonly Option<FileInfo?> ConfigFile = new("--config") { Description = "HOCON file (default hocon/kv.conf next to the program)" };

    public static RootCommand Create(Func<ServerSettings, Config, CancellationToken, Task<int>> run)
    {
        var root = new RootCommand("KvActors server: a durable key-value store on Akka.NET")
        {
            Host, Port, DataDir, Journal, SnapshotEvery, Partitions, DurabilityOption, MaxValueBytes, RespPort, SeedNodes, Replication, Replicas, Roles, HttpPort, LogLevel, ConfigFile,
        };
        root.Subcommands.Add(RestoreCommand.Create());
        root.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var config = LoadConfig(result.GetValue(ConfigFile));
                if ((result.GetValue(HttpPort) ?? EnvInt("HTTP_PORT")) is { } http)
                {
                    if (http is < -1 or > 65535) throw new ArgumentException($"--http-port must be -1..65535, got {http}");
                    config = ConfigurationFactory.ParseString($"kv.http-port = {http}").WithFallback(config);
                }

                if ((result.GetValue(LogLevel) ?? Env("LOG_LEVEL")) is { } level)
                    config = ConfigurationFactory.ParseString($"akka.loglevel = {Logging.LogLevels.ToAkka(level)}").WithFallback(config);
                return await run(Resolve(result, config), config, cancellationToken);
            }
            catch (Exception e) when (e is StartupException or ArgumentException or ConfigurationException or FormatException)
            {
                Console.Error.WriteLine($"kv-server: {e.Message}");
                return 1;
            }
        });
        return root;
    }

    internal static Config LoadConfig(FileInfo? file)
    {
        var path = file?.FullName ?? Path.Combine(AppContext.BaseDirectory, "hocon", "kv.conf");
        if (!File.Exists(path)) throw new StartupException($"configuration file {path} not found");
        return ConfigurationFactory.ParseString(File.ReadAllText(path));
    }

    private static ServerSettings Resolve(ParseResult result, Config config)
    {
        var s = ServerSettings.FromConfig(config);
        return s with
        {
            Host = result.GetValue(Host) ?? Env("HOST") ?? s.Host,
            Port = result.GetValue(Port) ?? EnvInt("PORT") ?? s.Port,
            DataDirectory = result.GetValue(DataDir) ?? Env("DATA_DIR") ?? s.DataDirectory,
            Journal = result.GetValue(Journal) ?? Env("JOURNAL") ?? s.Journal,
            SnapshotEvery = result.GetValue(SnapshotEvery) ?? EnvInt("SNAPSHOT_EVERY") ?? s.SnapshotEvery,
            Partitions = result.GetValue(Partitions) ?? EnvInt("PARTITIONS") ?? s.Partitions,
            Durability = (result.GetValue(DurabilityOption) ?? Env("DURABILITY")) is { } d ? ServerSettings.ParseDurability(d) : s.Durability,
            MaxValueBytes = result.GetValue(MaxValueBytes) ?? EnvInt("MAX_VALUE_BYTES") ?? s.MaxValueBytes,
            RespPort = result.GetValue(RespPort) ?? EnvInt("RESP_PORT") ?? s.RespPort,
            SeedNodes = List(result.GetValue(SeedNodes) ?? Env("SEED_NODES")) ?? s.SeedNodes,
            Roles = List(result.GetValue(Roles) ?? Env("ROLES")) ?? s.Roles,
            Replication = (result.GetValue(Replication) ?? Env("REPLICATION")) is { } r ? ServerSettings.ParseReplication(r) : s.Replication,
            Replicas = result.GetValue(Replicas) ?? EnvInt("REPLICAS") ?? s.Replicas,
        };
    }

    private static string[]? List(string? commaSeparated) =>
        commaSeparated?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? Env(string name) => Environment.GetEnvironmentVariable("KV_" + name) is { Length: > 0 } v ? v : null;

    private static int? EnvInt(string name) => Env(name) is { } v
        ? int.TryParse(v, out var i) ? i : throw new ArgumentException($"KV_{name} must be an integer, got '{v}'")
        : null;
}
