using System.CommandLine;
using System.Globalization;
using KvActors.Protocol.Backup;
using KvActors.Server;
using KvActors.Server.Backup;
using Akka.Actor;
using KvActors.Cluster.Raft;
using KvActors.Protocol;
using KvActors.Replication;

namespace KvActors.Host;

/// <summary>
/// <c>kv-server restore FILE --data-dir DIR</c>: builds a new data directory from a backup made by <c>kv backup</c>.
/// One line per partition restored, then one saying how to start on it; a refusal is one line and exit 1.
/// </summary>
internal static class RestoreCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A backup file written by kv backup" };
        var dataDir = new Option<string>("--data-dir") { Description = "The new data directory (must be empty or missing)", Required = true };
        var durability = new Option<string?>("--durability") { Description = "process (default) or fsync, for the SQLite files written" };
        var configFile = new Option<FileInfo?>("--config") { Description = "HOCON file (default hocon/kv.conf next to the program)" };
        var replication = new Option<string?>("--replication") { Description = "raft: build this node's directory of a Raft cluster (run once per node, same file)" };
        var seedNodes = new Option<string?>("--seed-nodes") { Description = "Raft: the cluster's seed nodes, as the node will start with them" };
        var host = new Option<string?>("--host") { Description = "Raft: this node's remoting host (default 127.0.0.1)" };
        var port = new Option<int?>("--port") { Description = "Raft: this node's remoting port (default 4053)" };
        var replicas = new Option<int?>("--replicas") { Description = "Raft: replicas per partition (default 3)" };
        var command = new Command("restore", "Build a new data directory from a backup file (kv backup FILE), then start kv-server on it")
        {
            file, dataDir, durability, configFile, replication, seedNodes, host, port, replicas,
        };
        command.SetAction(result =>
        {
            try
            {
                var config = ServerCommand.LoadConfig(result.GetValue(configFile));
                var settings = ServerSettings.FromConfig(config) with { DataDirectory = result.GetValue(dataDir)! };
                if (result.GetValue(durability) is { } d) settings = settings with { Durability = ServerSettings.ParseDurability(d) };
                if (result.GetValue(replication) is { } r) settings = settings with { Replication = ServerSettings.ParseReplication(r) };
                if (result.GetValue(seedNodes) is { } seeds)
                    settings = settings with { SeedNodes = seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
                settings = settings with
                {
                    Host = result.GetValue(host) ?? settings.Host,
                    Port = result.GetValue(port) ?? settings.Port,
                    Replicas = result.GetValue(replicas) ?? settings.Replicas,
                };
                var raft = settings.Replication == ReplicationMode.Raft;
                if (raft) settings.Validate();
                var backup = result.GetValue(file)!.FullName;
                if (!File.Exists(backup)) throw new StartupException($"backup file {backup} not found");

                var header = BackupRestore.Run(backup, settings, config, line => Console.Out.WriteLine($"kv-server: restored {line}"),
                    raft ? partitions => new ReplicaRestoreTarget(RaftPlacement.GroupsFor(settings, partitions), Address.Parse(KvAddress.OfServer(settings.SelfEndpoint))) : null);
                var directory = Path.GetFullPath(settings.DataDirectory);
                var partitions = header.Partitions.Count;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"kv-server: restored {backup} (taken {header.CreatedAt:yyyy-MM-ddTHH:mm:ss.fffZ}) into {directory}: {header.Keys} keys in {partitions} partition{(partitions == 1 ? "" : "s")}; start it with: kv-server --data-dir {directory}{(partitions > 1 ? $" --partitions {partitions}" : "")}{(raft ? $" --host {settings.Host} --port {settings.Port} --seed-nodes {string.Join(",", settings.SeedNodes)} --replication raft" : "")}"));
                return 0;
            }
            catch (Exception e) when (e is BackupFormatException or RestoreException or StartupException or ArgumentException or IOException or UnauthorizedAccessException
                                           or Akka.Configuration.ConfigurationException)
            {
                Console.Error.WriteLine($"kv-server: {e.Message.ReplaceLineEndings(" ")}");
                return 1;
            }
        });
        return command;
    }
}
