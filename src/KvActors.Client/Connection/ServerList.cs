using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Client.Connection;

/// <summary>
/// The servers a client may use, and the one it uses now: the servers it was given, always, then the fronts of the
/// cluster members it learned are Up. Any call reads it; only <see cref="Learn"/> changes the list, and only the
/// client's <see cref="MemberDiscovery"/> calls that, one refresh at a time.
/// </summary>
internal sealed class ServerList
{
    private const string Up = "Up";

    private readonly ActorSystem _system;
    private readonly ActorPath[] _given;
    private ServerConnection[] _connections;
    private ServerConnection _current;
    private int _lastWatcherId;

    public ServerList(ActorSystem system, IReadOnlyList<ActorPath> given)
    {
        _system = system;
        _given = given.Distinct().ToArray();
        _connections = _given.Select(NewConnection).ToArray();
        _current = _connections[0];
    }

    public ServerConnection Current => Volatile.Read(ref _current);

    /// <summary>A snapshot: the list may be replaced meanwhile, never changed in place.</summary>
    public IReadOnlyList<ServerConnection> All => Volatile.Read(ref _connections);

    /// <summary>
    /// The given servers in their order, then the Up members' fronts in address order, each once. Joining, leaving,
    /// down and removed members are not candidates: they are not serving, or soon will not be.
    /// </summary>
    public static IReadOnlyList<ActorPath> Candidates(IReadOnlyList<ActorPath> given, ClusterMembers cluster) =>
        given.Concat(cluster.Members
                .Where(m => m.Status == Up)
                .Select(m => ServerPath.FromMemberAddress(m.Address))
                .OfType<ActorPath>()
                .OrderBy(p => p.ToString(), StringComparer.Ordinal))
            .Distinct()
            .ToArray();

    /// <summary>
    /// The servers now, and the index of the current one to try first; 0 if the current one was dropped from the
    /// list (no longer a member).
    /// </summary>
    public (IReadOnlyList<ServerConnection> Connections, int First) StartingWithCurrent()
    {
        var connections = Volatile.Read(ref _connections);
        return (connections, Math.Max(0, Array.IndexOf(connections, Current)));
    }

    /// <summary>Makes <paramref name="connection"/> the current server; true if it was another one before.</summary>
    public bool Use(ServerConnection connection) => !ReferenceEquals(Interlocked.Exchange(ref _current, connection), connection);

    /// <summary>
    /// Takes the membership as the candidates: servers already known keep their connection, new members get one, and
    /// members no longer Up are dropped (their watchers stopped). A dropped current server stays current until the
    /// next call moves on from it.
    /// </summary>
    public void Learn(ClusterMembers cluster)
    {
        var known = All;
        var next = Candidates(_given, cluster)
            .Select(path => known.FirstOrDefault(c => c.Path.Equals(path)) ?? NewConnection(path))
            .ToArray();
        Volatile.Write(ref _connections, next);
        foreach (var dropped in known.Except(next)) dropped.Close();
    }

    private ServerConnection NewConnection(ActorPath path) => new(_system, path, Interlocked.Increment(ref _lastWatcherId));
}
