using System.Globalization;
using System.Text;

namespace KvActors.Replication.Placement;

/// <summary>
/// Which replicas a node runs, in the file <see cref="FileName"/> beside the journal that holds their logs: one line
/// "partition replica-id" each. Written (aside, flushed, renamed into place) whenever a replica is placed on the node
/// or removed from it, read at every start. Before there was placement the replicas followed from the founding list
/// and the node's incarnation alone; a directory without the file still starts that way, and then writes it.
/// Without a data directory (in-memory journals) nothing is kept.
/// </summary>
public static class HostedReplicas
{
    public const string FileName = "raft-replicas";

    /// <summary>Partition to replica id, or null when the directory has no record.</summary>
    public static IReadOnlyDictionary<int, ulong>? Load(string dataDirectory)
    {
        if (dataDirectory.Length == 0) return null;
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path)) return null;
        var hosted = new Dictionary<int, ulong>();
        foreach (var line in File.ReadAllLines(path).Where(l => l.Trim().Length > 0))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var partition) ||
                !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                throw new InvalidDataException($"{path} holds '{line}', not 'partition replica-id'; it is never written that way: restore the directory or empty it to rejoin as a new node");
            hosted[partition] = id;
        }

        return hosted;
    }

    public static void Save(string dataDirectory, IReadOnlyDictionary<int, ulong> hosted)
    {
        if (dataDirectory.Length == 0) return;
        var text = new StringBuilder();
        foreach (var (partition, id) in hosted.OrderBy(h => h.Key))
            text.Append(partition.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(id.ToString(CultureInfo.InvariantCulture)).Append('\n');
        DurableFile.Replace(dataDirectory, FileName, text.ToString());
    }
}
