using Akka.Actor;
using KvActors.Protocol;
using KvActors.Raft;
using KvActors.TestSupport;

namespace KvActors.Replication.Tests.Infrastructure;

/// <summary>
/// Nodes in one process, each its own ActorSystem and data directory, hosting one replica each of a partition's
/// group (founding replica i + 1 on node i; one restarted on an emptied directory rejoins under a new id). A node can be killed (its system terminated, as a crash
/// looks from outside) and restarted from its data directory on its old port, so the group's addresses hold.
/// </summary>
public sealed class ReplicaCluster : IAsyncDisposable
{
    public const int Partition = 0;

    public static readonly ReplicationSettings Settings = new();

    private readonly TempDirectory[] _dataDirectories;
    private readonly ReplicaNode?[] _nodes;
    private readonly int[] _ports;
    private readonly ReplicationSettings _settings;

    private ReplicaCluster(TempDirectory[] dataDirectories, ReplicaNode[] nodes, ReplicationSettings settings)
    {
        _dataDirectories = dataDirectories;
        _settings = settings;
        _nodes = nodes;
        _ports = nodes.Select(n => n.Address.Port!.Value).ToArray();
        Group = new ReplicaGroup(Partition, nodes.Select((n, i) => (Id: IdOf(i), n.Address)).ToDictionary(x => x.Id, x => x.Address));
    }

    public ReplicaGroup Group { get; }

    public int Size => _nodes.Length;

    public static ReplicaCluster Start(int size = 3, ReplicationSettings? settings = null)
    {
        settings ??= Settings;
        var directories = Enumerable.Range(0, size).Select(_ => new TempDirectory("kvactors-replica")).ToArray();
        var nodes = directories.Select(d => ReplicaNode.Start(d.Path, 0)).ToArray();
        var cluster = new ReplicaCluster(directories, nodes, settings);
        for (var i = 0; i < size; i++) nodes[i].StartHost(settings with { DataDirectory = directories[i].Path }, [cluster.Group]);
        return cluster;
    }

    public static ulong IdOf(int node) => (ulong)node + 1;

    /// <summary>The node of a replica, whatever its incarnation.</summary>
    public static int NodeOf(ulong replicaId) => (int)ReplicaGroup.SlotOf(replicaId) - 1;

    public ReplicaNode Node(int i) => _nodes[i] ?? throw new InvalidOperationException($"node {i} is down");

    public string DataDirectory(int i) => _dataDirectories[i].Path;

    public IEnumerable<int> Running => Enumerable.Range(0, Size).Where(i => _nodes[i] is not null);

    public async Task KillAsync(int i)
    {
        await Node(i).DisposeAsync();
        _nodes[i] = null;
    }

    /// <summary>Starts node <paramref name="i"/> again from its data directory, on its old port.</summary>
    public void Restart(int i)
    {
        if (_nodes[i] is not null) throw new InvalidOperationException($"node {i} is running");
        var node = ReplicaNode.Start(_dataDirectories[i].Path, _ports[i]);
        node.StartHost(_settings with { DataDirectory = _dataDirectories[i].Path }, [Group]);
        _nodes[i] = node;
    }

    /// <summary>Empties the data directory of node <paramref name="i"/>, which must be down: a lost disk.</summary>
    public void Wipe(int i)
    {
        if (_nodes[i] is not null) throw new InvalidOperationException($"node {i} is running");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFileSystemEntries(_dataDirectories[i].Path))
        {
            if (Directory.Exists(file)) Directory.Delete(file, recursive: true);
            else File.Delete(file);
        }
    }

    public async Task<ReplicaState[]> StatesAsync() => await Task.WhenAll(Running.Select(i => Node(i).StateAsync()));

    /// <summary>The node whose replica leads, once every running replica agrees on it; throws if none does yet.</summary>
    public async Task<int> AgreedLeaderAsync()
    {
        var states = await StatesAsync();
        var leaders = states.Where(s => s.Role == RaftRole.Leader).ToArray();
        if (leaders.Length != 1) throw new InvalidOperationException($"{leaders.Length} leaders");
        var leader = leaders[0];
        if (states.Any(s => s.LeaderId != leader.ReplicaId || s.Term != leader.Term))
            throw new InvalidOperationException($"replicas disagree: {string.Join("; ", states)}");
        return NodeOf(leader.ReplicaId);
    }

    /// <summary>Writes through whichever node leads, following NotLeader answers and retrying answers that say the
    /// write was not applied or may not have been (a Set of a fixed value is harmless to repeat).</summary>
    public async Task<Written> SetAsync(string key, string value, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var node = await AgreedLeaderOrAnyAsync();
        while (true)
        {
            IKvReply reply;
            try
            {
                reply = await Node(node).AskAsync(new Set(key, Bytes(value)));
            }
            catch (AskTimeoutException) when (DateTime.UtcNow < deadline)
            {
                continue;
            }

            switch (reply)
            {
                case Written written:
                    return written;
                case NotLeader { LeaderKnown: true } notLeader when DateTime.UtcNow < deadline && _nodes[NodeOf(notLeader.LeaderId)] is not null:
                    node = NodeOf(notLeader.LeaderId);
                    continue;
                case NotLeader or KvError { Code: ErrorCode.Unavailable } when DateTime.UtcNow < deadline:
                    await Task.Delay(50);
                    node = await AgreedLeaderOrAnyAsync();
                    continue;
                default:
                    throw new InvalidOperationException($"Set {key} answered {reply}");
            }
        }
    }

    private async Task<int> AgreedLeaderOrAnyAsync()
    {
        try
        {
            return await AgreedLeaderAsync();
        }
        catch (InvalidOperationException)
        {
            return Running.First();
        }
    }

    public static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    public async ValueTask DisposeAsync()
    {
        foreach (var i in Running.ToArray()) await KillAsync(i);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var directory in _dataDirectories) directory.Dispose();
    }
}
