using System.CommandLine;
using System.Globalization;
using KvActors.Protocol.Backup;
using KvActors.Server;
using KvActors.Server.Backup;

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
        var command = new Command("restore", "Build a new data directory from a backup file (kv backup FILE), then start kv-server on it")
        {
            file, dataDir, durability, configFile,
        };
        command.SetAction(result =>
        {
            try
            {
                var config = ServerCommand.LoadConfig(result.GetValue(configFile));
                var settings = ServerSettings.FromConfig(config) with { DataDirectory = result.GetValue(dataDir)! };
                if (result.GetValue(durability) is { } d) settings = settings with { Durability = ServerSettings.ParseDurability(d) };
                var backup = result.GetValue(file)!.FullName;
                if (!File.Exists(backup)) throw new StartupException($"backup file {backup} not found");

                var header = BackupRestore.Run(backup, settings, config, line => Console.Out.WriteLine($"kv-server: restored {line}"));
                var directory = Path.GetFullPath(settings.DataDirectory);
                var partitions = header.Partitions.Count;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"kv-server: restored {backup} (taken {header.CreatedAt:yyyy-MM-ddTHH:mm:ss.fffZ}) into {directory}: {header.Keys} keys in {partitions} partition{(partitions == 1 ? "" : "s")}; start it with: kv-server --data-dir {directory}{(partitions > 1 ? $" --partitions {partitions}" : "")}"));
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
