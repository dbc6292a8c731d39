using Akka.Configuration;

namespace KvActors.Server.Partitioning;

/// <summary>
/// How the data in a data directory is replicated, recorded beside it (<see cref="FileName"/>) when a Raft node
/// first starts there: the mode, the replica count and the founding members. Raft groups, replica ids and the
/// replicas' persistence ids follow from them, so a restart with other values would silently found other groups
/// over the old logs; it is refused instead. A directory without the record holds a single node's or a
/// shared-journal cluster's data (the only modes before Raft), which a Raft node refuses too.
/// </summary>
public static class ReplicationRecord
{
    public const string FileName = "replication.conf";

    // Written into every record since replicas' incarnations are recorded apart (raft-incarnation): a record without it
    // comes from a node that ran before, whose replicas are the founding ones.
    private const string IncarnationsKey = "incarnations-recorded-apart";

    /// <summary>Whether <paramref name="dataDirectory"/> holds a Raft node's data from before replica incarnations were
    /// recorded (2026-12-06): its replicas are the founding ones, incarnation 0.</summary>
    public static bool PredatesIncarnations(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        return File.Exists(path) && !ConfigurationFactory.ParseString(File.ReadAllText(path)).HasPath(IncarnationsKey);
    }

    /// <summary>Refuses <paramref name="settings"/> if they do not match what <paramref name="dataDirectory"/> was
    /// created with; records them if this is a new Raft node. Call before the journal is opened.</summary>
    /// <param name="journalFile">The journal's file: its existence says the directory already holds data.</param>
    /// <exception cref="PartitionLayoutException">The settings do not match the data.</exception>
    public static void Check(string dataDirectory, string journalFile, ServerSettings settings)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var raft = settings.IsClusterNode && settings.Replication == ReplicationMode.Raft;
        var asked = raft ? Describe(settings.Replicas, settings.SeedNodes) : null;
        if (!File.Exists(path))
        {
            if (!raft) return;
            if (File.Exists(journalFile))
                throw new PartitionLayoutException($"the data in {dataDirectory} was created without --replication raft (a single node or a shared-journal cluster); a raft node needs a new --data-dir");
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(path, $"""
                # Written by kv-server when this Raft node first started here; a start with other values is refused.
                mode = raft
                replicas = {settings.Replicas}
                members = [{string.Join(", ", Sorted(settings.SeedNodes).Select(m => $"\"{m}\""))}]
                {IncarnationsKey} = true

                """);
            return;
        }

        var recorded = ConfigurationFactory.ParseString(File.ReadAllText(path));
        var mode = recorded.GetString("mode", "raft");
        var had = Describe(recorded.GetInt("replicas", 0), recorded.GetStringList("members", []));
        if (!raft)
            throw new PartitionLayoutException($"the data in {dataDirectory} was created with --replication {mode} {had}; start with those options (the mode cannot change)");
        if (had != asked)
            throw new PartitionLayoutException($"the data in {dataDirectory} was created with --replication raft {had}, not {asked}; start with those (membership changes are not supported yet)");
    }

    private static string Describe(int replicas, IEnumerable<string> members) =>
        $"--replicas {replicas} --seed-nodes {string.Join(",", Sorted(members))}";

    private static IEnumerable<string> Sorted(IEnumerable<string> members) =>
        members.Select(m => m.Trim().ToLowerInvariant()).Order(StringComparer.Ordinal);
}
