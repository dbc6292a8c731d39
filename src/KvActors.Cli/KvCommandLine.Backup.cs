using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace KvActors.Cli;

// kv backup FILE: a consistent online backup of every partition.
internal sealed partial class KvCommandLine
{
    private Command BackupCommand()
    {
        var file = new Argument<string>("FILE") { Description = "Where to write the backup (written as FILE.tmp, renamed to FILE once complete; an existing FILE is replaced)" };
        var command = new Command("backup",
            "Back up every partition while writes go on, each at one revision; restore with: kv-server restore FILE --data-dir DIR") { file };
        SetAction(command, async (client, parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetRequiredValue(file));
            var watch = Stopwatch.StartNew();
            var header = await client.BackupAsync(path, timeout: Timeout(parse), cancellationToken: ct);
            var bytes = new FileInfo(path).Length;
            if (Json(parse))
            {
                Context.Output.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("file", path);
                    json.WriteString("createdAt", header.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
                    json.WriteNumber("keys", header.Keys);
                    json.WriteNumber("bytes", bytes);
                    json.WriteStartArray("partitions");
                    foreach (var p in header.Partitions)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("partition", p.Partition);
                        json.WriteNumber("revision", p.Revision);
                        json.WriteNumber("keys", p.Keys);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                });
            }
            else
            {
                var revisions = string.Join(",", header.Partitions.Select(p => p.Revision.ToString(CultureInfo.InvariantCulture)));
                Context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: {header.Keys} keys in {header.Partitions.Count} partition{(header.Partitions.Count == 1 ? "" : "s")} at revisions {revisions}, {bytes} bytes, {watch.Elapsed.TotalSeconds:0.0}s"));
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
