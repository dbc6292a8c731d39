using System.Globalization;

namespace KvActors.Replication;

/// <summary>
/// Which incarnation of its node's replicas a data directory holds, in the file <see cref="FileName"/> beside the
/// SQLite journal that holds their logs (lost together, kept together): written once,
/// before any replica of the node starts, and read at every start after. A directory without it is new or emptied;
/// the node then asks its peers which incarnation to take (<see cref="ReplicationHost"/>). Without a data directory
/// (in-memory journals) nothing is kept and every start counts as new.
/// </summary>
public static class NodeIncarnation
{
    public const string FileName = "raft-incarnation";

    /// <summary>The recorded incarnation, or null when the directory has none.</summary>
    public static long? Load(string dataDirectory)
    {
        if (dataDirectory.Length == 0) return null;
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path)) return null;
        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var incarnation)
            ? incarnation
            : throw new InvalidDataException($"{path} holds '{text}', not an incarnation number; it is never written that way: restore the directory or empty it to rejoin as a new replica");
    }

    /// <summary>Records <paramref name="incarnation"/> durably (written aside, flushed to disk, then renamed into place).</summary>
    public static void Save(string dataDirectory, long incarnation)
    {
        if (dataDirectory.Length == 0) return;
        DurableFile.Replace(dataDirectory, FileName, incarnation.ToString(CultureInfo.InvariantCulture) + "\n");
    }
}
