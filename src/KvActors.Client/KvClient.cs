using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using KvActors.Client.Connection;
using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>
/// A connection to a KvActors server, or to any of several cluster nodes. Create one with <see cref="ConnectAsync(string, KvClientOptions?, CancellationToken)"/>,
/// share it between threads and calls (it owns one ActorSystem), dispose it when done. It uses one server at a time
/// and moves to the next when the current one cannot be reached; every cluster node serves every key. Besides the
/// servers it was given it learns the cluster's members from the node it uses (<see cref="KvClientOptions.MembershipRefresh"/>),
/// so one reachable address is enough to find the others. Every call ends within its timeout: with the result,
/// a <see cref="KvException"/> subclass, or <see cref="OperationCanceledException"/> if the caller cancelled.
/// Writes return the store revision they created.
/// </summary>
public sealed partial class KvClient : IAsyncDisposable
{
    private const string SystemName = "kv-client";

    // Bounds DisposeAsync; remoting normally shuts down in well under a second.
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    private readonly ActorSystem _system;
    private readonly KvClientOptions _options;
    private readonly ServerList _servers;
    private readonly MemberDiscovery? _discovery;
    private int _disposed;

    private KvClient(ActorSystem system, IReadOnlyList<ActorPath> servers, KvClientOptions options)
    {
        _system = system;
        _options = options;
        _servers = new ServerList(system, servers);
        if (options.MembershipRefresh != TimeSpan.Zero) _discovery = new MemberDiscovery();
    }

    /// <summary>The front in use, <c>akka.tcp://kv@HOST:PORT/user/kv</c>.</summary>
    public string Server => _servers.Current.Path.ToString();

    /// <summary>
    /// The fronts this client may use: the servers it was given, then the cluster members it learned are Up.
    /// </summary>
    public IReadOnlyList<string> Servers => _servers.All.Select(c => c.Path.ToString()).ToArray();

    public KvClientOptions Options => _options;

    /// <summary>
    /// Starts the client's ActorSystem and resolves the server's front.
    /// </summary>
    /// <param name="server"><c>HOST:PORT</c> (for example <c>127.0.0.1:4053</c>) or an <c>akka.tcp://kv@HOST:PORT</c> address.
    /// HOST must be the host name the server was configured with: remoting drops messages addressed to another name.</param>
    /// <exception cref="ArgumentException"><paramref name="server"/> is not an address, or an option is out of range.</exception>
    /// <exception cref="KvUnavailableException">The server cannot be reached within <see cref="KvClientOptions.Timeout"/>.</exception>
    public static Task<KvClient> ConnectAsync(string server, KvClientOptions? options = null, CancellationToken cancellationToken = default) =>
        ConnectAsync([server], options, cancellationToken);

    /// <summary>
    /// Like <see cref="ConnectAsync(string, KvClientOptions?, CancellationToken)"/>, with several servers (the nodes
    /// of one cluster): the first that answers is used, and calls move on to the next when it cannot be reached.
    /// The Up members learned from the cluster join these servers (<see cref="KvClientOptions.MembershipRefresh"/>).
    /// </summary>
    public static Task<KvClient> ConnectAsync(IReadOnlyList<string> servers, KvClientOptions? options = null, CancellationToken cancellationToken = default) =>
        StartAsync(servers, options, waitForServer: true, cancellationToken);

    /// <summary>
    /// Starts a client without waiting for a server: the first call (or <see cref="EnsureConnectedAsync"/>)
    /// connects, and a call made while no server is reachable fails as any call would, leaving the next to try again.
    /// For tools that must start before their server does (an interactive shell).
    /// </summary>
    public static Task<KvClient> CreateAsync(IReadOnlyList<string> servers, KvClientOptions? options = null, CancellationToken cancellationToken = default) =>
        StartAsync(servers, options, waitForServer: false, cancellationToken);

    /// <summary>Connects to a server now, if the client is not connected already.</summary>
    /// <exception cref="KvUnavailableException">No server can be reached within the timeout.</exception>
    public async Task EnsureConnectedAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        await GetSessionAsync(timeout ?? _options.Timeout, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<KvClient> StartAsync(IReadOnlyList<string> servers, KvClientOptions? options, bool waitForServer, CancellationToken cancellationToken)
    {
        options ??= new KvClientOptions();
        if (servers.Count == 0) throw new ArgumentException("at least one server is needed", nameof(servers));
        if (options.Timeout <= TimeSpan.Zero) throw new ArgumentException($"timeout must be positive, got {options.Timeout}", nameof(options));
        if (options.MaxValueBytes is < 1 or > KvClientOptions.LargestMaxValueBytes) throw new ArgumentException($"MaxValueBytes must be 1..{KvClientOptions.LargestMaxValueBytes}, got {options.MaxValueBytes}", nameof(options));
        if (options.MembershipRefresh < TimeSpan.Zero && options.MembershipRefresh != Timeout.InfiniteTimeSpan)
            throw new ArgumentException($"MembershipRefresh must be positive, zero or infinite, got {options.MembershipRefresh}", nameof(options));
        var paths = servers.Select(ServerPath.Parse).ToArray();

        // Starting an ActorSystem blocks for a moment; keep that off the caller's thread.
        var system = await Task.Run(() => ActorSystem.Create(SystemName, ClientConfig.Build(options)), cancellationToken).ConfigureAwait(false);
        var client = new KvClient(system, paths, options);
        try
        {
            if (waitForServer) await client.GetSessionAsync(options.Timeout, cancellationToken).ConfigureAwait(false);
            client._discovery?.Start(ct => client.GetClusterMembersAsync(cancellationToken: ct), client._servers.Learn, options.MembershipRefresh);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, creating it if needed. With
    /// <paramref name="expectedRevision"/> it is a compare-and-set (0 means "must not exist").</summary>
    /// <exception cref="KvRevisionMismatchException">The key is not at <paramref name="expectedRevision"/>.</exception>
    public async Task<long> SetAsync(string key, byte[] value, long? expectedRevision = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        CheckValue(key, value);
        var reply = await SendAsync(new Set(key, value, expectedRevision), timeout, cancellationToken, value.Length).ConfigureAwait(false);
        return Expect<Written>(reply).Revision;
    }

    /// <inheritdoc cref="SetAsync(string, byte[], long?, TimeSpan?, CancellationToken)"/>
    public Task<long> SetAsync(string key, string value, long? expectedRevision = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SetAsync(key, Utf8(value), expectedRevision, timeout, cancellationToken);

    /// <summary>Creates <paramref name="key"/>; fails if it exists.</summary>
    /// <exception cref="KvAlreadyExistsException">The key exists.</exception>
    public async Task<long> CreateAsync(string key, byte[] value, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        CheckValue(key, value);
        var reply = await SendAsync(new Create(key, value), timeout, cancellationToken, value.Length).ConfigureAwait(false);
        return Expect<Written>(reply).Revision;
    }

    /// <inheritdoc cref="CreateAsync(string, byte[], TimeSpan?, CancellationToken)"/>
    public Task<long> CreateAsync(string key, string value, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        CreateAsync(key, Utf8(value), timeout, cancellationToken);

    /// <summary>Replaces the value of an existing key, optionally only if it is at <paramref name="expectedRevision"/>.</summary>
    /// <exception cref="KvNotFoundException">The key does not exist.</exception>
    /// <exception cref="KvRevisionMismatchException">The key is not at <paramref name="expectedRevision"/>.</exception>
    public async Task<long> UpdateAsync(string key, byte[] value, long? expectedRevision = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        CheckValue(key, value);
        var reply = await SendAsync(new Update(key, value, expectedRevision), timeout, cancellationToken, value.Length).ConfigureAwait(false);
        return Expect<Written>(reply).Revision;
    }

    /// <inheritdoc cref="UpdateAsync(string, byte[], long?, TimeSpan?, CancellationToken)"/>
    public Task<long> UpdateAsync(string key, string value, long? expectedRevision = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        UpdateAsync(key, Utf8(value), expectedRevision, timeout, cancellationToken);

    /// <summary>Sets <paramref name="key"/> only if it is at <paramref name="expectedRevision"/> (0: only if absent).</summary>
    /// <exception cref="KvRevisionMismatchException">The key is at another revision.</exception>
    public Task<long> CompareAndSetAsync(string key, byte[] value, long expectedRevision, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SetAsync(key, value, expectedRevision, timeout, cancellationToken);

    /// <inheritdoc cref="CompareAndSetAsync(string, byte[], long, TimeSpan?, CancellationToken)"/>
    public Task<long> CompareAndSetAsync(string key, string value, long expectedRevision, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SetAsync(key, Utf8(value), expectedRevision, timeout, cancellationToken);

    /// <summary>
    /// Sets <paramref name="key"/> to expire <paramref name="ttl"/> from now (the deadline is computed on this machine's
    /// clock and stored as an absolute time). With <paramref name="expectedRevision"/> it is a compare-and-set.
    /// </summary>
    public async Task<long> SetWithTtlAsync(string key, byte[] value, TimeSpan ttl, long? expectedRevision = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        CheckValue(key, value);
        var reply = await SendAsync(new Set(key, value, expectedRevision, Expiry.At(Deadline(ttl))), timeout, cancellationToken, value.Length).ConfigureAwait(false);
        return Expect<Written>(reply).Revision;
    }

    /// <inheritdoc cref="SetWithTtlAsync(string, byte[], TimeSpan, long?, TimeSpan?, CancellationToken)"/>
    public Task<long> SetWithTtlAsync(string key, string value, TimeSpan ttl, long? expectedRevision = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SetWithTtlAsync(key, Utf8(value), ttl, expectedRevision, timeout, cancellationToken);

    /// <summary>Makes <paramref name="key"/> expire <paramref name="ttl"/> from now; false if nothing changed.</summary>
    /// <exception cref="KvNotFoundException">The key does not exist.</exception>
    public async Task<bool> ExpireAsync(string key, TimeSpan ttl, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(new SetExpiry(key, Deadline(ttl)), timeout, cancellationToken).ConfigureAwait(false);
        return Expect<ExpiryResult>(reply).Applied;
    }

    /// <summary>Removes the expiry of <paramref name="key"/>; false if it had none.</summary>
    /// <exception cref="KvNotFoundException">The key does not exist.</exception>
    public async Task<bool> PersistAsync(string key, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(new SetExpiry(key, null), timeout, cancellationToken).ConfigureAwait(false);
        return Expect<ExpiryResult>(reply).Applied;
    }

    /// <summary>Time left before <paramref name="key"/> expires, or null if it never does.</summary>
    /// <exception cref="KvNotFoundException">The key does not exist.</exception>
    public async Task<TimeSpan?> GetTtlAsync(string key, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var value = await GetAsync(key, timeout, cancellationToken).ConfigureAwait(false);
        return value.ExpiresAt is { } at ? (at - DateTimeOffset.UtcNow) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero : null;
    }

    /// <summary>Adds <paramref name="delta"/> to the integer stored at <paramref name="key"/> (absent counts as 0); returns the result.</summary>
    /// <exception cref="KvNotANumberException">The value is not an integer.</exception>
    /// <exception cref="KvOverflowException">The result does not fit in 64 bits.</exception>
    public async Task<long> IncrementAsync(string key, long delta = 1, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var found = Expect<Found>(await SendAsync(new Increment(key, delta), timeout, cancellationToken).ConfigureAwait(false));
        return long.Parse(Encoding.ASCII.GetString(found.Value), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The value and revision of <paramref name="key"/>.</summary>
    /// <exception cref="KvNotFoundException">The key does not exist.</exception>
    public async Task<KvValue> GetAsync(string key, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        return ToValue(Expect<Found>(await SendAsync(Read(new Get(key)), timeout, cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>The value and revision of <paramref name="key"/>, or null if it does not exist.</summary>
    public async Task<KvValue?> TryGetAsync(string key, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(Read(new Get(key)), timeout, cancellationToken).ConfigureAwait(false);
        if (reply is KvError { Code: ErrorCode.NotFound }) return null;
        return ToValue(Expect<Found>(reply));
    }

    /// <summary>Deletes <paramref name="key"/>, optionally only if it is at <paramref name="expectedRevision"/>;
    /// returns the revision of the deletion.</summary>
    /// <exception cref="KvNotFoundException">The key does not exist.</exception>
    /// <exception cref="KvRevisionMismatchException">The key is not at <paramref name="expectedRevision"/>.</exception>
    public async Task<long> DeleteAsync(string key, long? expectedRevision = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(new Delete(key, expectedRevision), timeout, cancellationToken).ConfigureAwait(false);
        return Expect<Deleted>(reply).Revision;
    }

    /// <summary>Like <see cref="DeleteAsync"/>, but returns null instead of throwing when the key does not exist.</summary>
    public async Task<long?> TryDeleteAsync(string key, long? expectedRevision = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(new Delete(key, expectedRevision), timeout, cancellationToken).ConfigureAwait(false);
        if (reply is KvError { Code: ErrorCode.NotFound }) return null;
        return Expect<Deleted>(reply).Revision;
    }

    /// <summary>Whether <paramref name="key"/> exists.</summary>
    public async Task<bool> ExistsAsync(string key, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(Read(new Exists(key)), timeout, cancellationToken).ConfigureAwait(false);
        return Expect<ExistsResult>(reply).Exists;
    }

    // A read as the options want it: as is (linearizable), or for the nearest replica to answer.
    private IKvQuery Read(IKvQuery query) => _options.Reads == ReadConsistency.Stale ? new StaleRead(query) : query;

    /// <summary>
    /// Every key starting with <paramref name="prefix"/> ("" for all), in ordinal key order, fetched
    /// <paramref name="pageSize"/> keys per request. Each page is read at its own store revision, so keys changed
    /// during a long scan may show old or new values; a key is never returned twice. The timeout applies per page.
    /// </summary>
    public async IAsyncEnumerable<KvEntry> ScanAsync(
        string prefix = "",
        int pageSize = Scan.DefaultLimit,
        TimeSpan? timeout = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string? after = null;
        do
        {
            var page = Expect<ScanPage>(await SendAsync(Read(new Scan(prefix, after, pageSize)), timeout, cancellationToken).ConfigureAwait(false));
            foreach (var entry in page.Entries) yield return entry;
            after = page.NextCursor;
        }
        while (after is not null);
    }

    /// <summary>The store's counters: keys, revision, journal and snapshot positions, data directory, uptime.</summary>
    public async Task<StoreStats> GetStatsAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Expect<StoreStats>(await SendAsync(GetStats.Instance, timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Every replica of every partition of a Raft cluster: its node, role, term, and commit and applied log indexes,
    /// as each answered (one that did not is "unreachable"). Other servers answer <see cref="KvUnsupportedRequestException"/>.
    /// </summary>
    public async Task<PartitionReplicas> GetPartitionReplicasAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Expect<PartitionReplicas>(await SendAsync(GetPartitionReplicas.Instance, timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>The cluster's members as the connected node sees them, with the partitions each hosts.</summary>
    /// <exception cref="KvUnsupportedRequestException">The server is a single node, not a cluster member.</exception>
    public async Task<ClusterMembers> GetClusterMembersAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Expect<ClusterMembers>(await SendAsync(GetClusterMembers.Instance, timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>Asks the member at <paramref name="address"/> (HOST:PORT or akka.tcp://kv@HOST:PORT) to leave gracefully.</summary>
    public async Task<ClusterMembers> LeaveClusterAsync(string address, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Expect<ClusterMembers>(await SendAsync(new LeaveCluster(address), timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>Marks the member at <paramref name="address"/> down, so its partitions restart on other members.</summary>
    public async Task<ClusterMembers> DownClusterMemberAsync(string address, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Expect<ClusterMembers>(await SendAsync(new DownClusterMember(address), timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>Stops the client's ActorSystem. Calls after this throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_discovery is not null) await _discovery.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _system.Terminate().WaitAsync(ShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Remoting could not flush in time; the process may exit regardless, nothing is left to wait for.
        }
    }

    // Between two tries of a request the server refused without applying it (still starting, partition moving).
    private static readonly TimeSpan NotAppliedRetry = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Sends one request and returns its reply, which may be a <see cref="KvError"/>. A request the server refused
    /// as <see cref="ErrorCode.Unavailable"/> without applying it (a server still starting, a partition being taken
    /// over or moving) is sent again while the call's time lasts; the last refusal is the reply if it never succeeds.
    /// </summary>
    /// <param name="valueBytes">The size of the value a write carries, checked against the server's limit.</param>
    private async Task<IKvReply> SendAsync(IKvRequest request, TimeSpan? timeout, CancellationToken cancellationToken, int valueBytes = 0)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var limit = timeout ?? _options.Timeout;
        if (limit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), limit, "timeout must be positive");

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var reply = await SendOnceAsync(request, limit, started, cancellationToken, valueBytes).ConfigureAwait(false);
            if (reply is not KvError { Code: ErrorCode.Unavailable } refused || !NotApplied(refused)) return reply;
            if (limit - Stopwatch.GetElapsedTime(started) <= NotAppliedRetry * 2) return reply;
            await Task.Delay(NotAppliedRetry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An Unavailable reply that says the request was not applied (or that the server is still starting or loading):
    /// sending it again cannot apply a write twice. "Outcome unknown" never qualifies.
    /// </summary>
    internal static bool NotApplied(KvError error)
    {
        var message = error.Message;
        if (message.Contains("outcome", StringComparison.OrdinalIgnoreCase)) return false;
        return message.Contains("not applied", StringComparison.OrdinalIgnoreCase)
               || message.Contains("starting", StringComparison.OrdinalIgnoreCase)
               || message.Contains("loading", StringComparison.OrdinalIgnoreCase);
    }

    private async Task<IKvReply> SendOnceAsync(IKvRequest request, TimeSpan limit, long started, CancellationToken cancellationToken, int valueBytes)
    {
        var (connection, session) = await GetSessionAsync(limit - Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
        // One budget for the whole call: resolving the front (if needed) and the request itself.
        var remaining = limit - Stopwatch.GetElapsedTime(started);
        if (remaining <= TimeSpan.Zero) throw connection.Unreachable(ServerConnection.NoReplyWithin(limit));
        if (valueBytes > KvClientOptions.DefaultMaxValueBytes && _options.MaxValueBytes is null)
        {
            var serverLimit = await ServerMaxValueBytesAsync(session, remaining, cancellationToken).ConfigureAwait(false);
            if (valueBytes > serverLimit)
                throw new KvValueTooLargeException($"value is {valueBytes} bytes, the server's limit is {serverLimit} (its --max-value-bytes)");
            remaining = limit - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero) throw connection.Unreachable(ServerConnection.NoReplyWithin(limit));
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.LostToken);
        try
        {
            return await session.Front.Ask<IKvReply>(request, remaining, linked.Token).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            if (connection.IsBroken(session)) throw connection.Unreachable(NoReplyWithin(limit, request));
            throw new KvTimeoutException($"no reply from {Server} within {Durations.Format(limit)}{OutcomeUnknown(request)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw connection.Unreachable($"connection lost while waiting for the reply{OutcomeUnknown(request)}");
        }
    }

    // The current server, else the others in turn, each given a fair share of the time left. A server that cannot
    // be resolved never received the request, so moving on can never apply a write twice. (A request lost with a
    // connection that broke after sending is not retried: its outcome is unknown, and the caller is told so.)
    // Having moved, the client asks its new node for the members at once: a move suggests the cluster has changed.
    private async Task<(ServerConnection, ServerSession)> GetSessionAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (connections, first) = _servers.StartingWithCurrent();
        KvUnavailableException? last = null;
        for (var attempt = 0; attempt < connections.Count; attempt++)
        {
            var remaining = limit - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero) break;
            var connection = connections[(first + attempt) % connections.Count];
            try
            {
                var session = await connection.GetSessionAsync(remaining / (connections.Count - attempt), cancellationToken).ConfigureAwait(false);
                if (_servers.Use(connection)) _discovery?.RefreshSoon();
                return (connection, session);
            }
            catch (KvUnavailableException e)
            {
                last = e;
            }
        }

        throw connections.Count == 1 || last is null
            ? last ?? connections[first].Unreachable(ServerConnection.NoReplyWithin(limit))
            : new KvUnavailableException($"no server reachable (of {connections.Count}); last: {last.Message}");
    }

    // Asked once per session: a server that predates GetServerInfo is assumed to have the default limit.
    private static async Task<int> ServerMaxValueBytesAsync(ServerSession session, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (session.MaxValueBytes > 0) return session.MaxValueBytes;
        try
        {
            var reply = await session.Front.Ask<IKvReply>(GetServerInfo.Instance, timeout, cancellationToken).ConfigureAwait(false);
            session.MaxValueBytes = reply is ServerInfo info ? info.MaxValueBytes : KvClientOptions.DefaultMaxValueBytes;
        }
        catch (AskTimeoutException)
        {
            throw new KvTimeoutException($"no reply to a request for the server's limits within {Durations.Format(timeout)}");
        }

        return session.MaxValueBytes;
    }

    private static string NoReplyWithin(TimeSpan limit, IKvRequest request) =>
        ServerConnection.NoReplyWithin(limit) + OutcomeUnknown(request);

    private static string OutcomeUnknown(IKvRequest request) => request is IWriteCommand ? "; a write's outcome is unknown" : "";

    private static T Expect<T>(IKvReply reply) where T : IKvReply => reply switch
    {
        T expected => expected,
        KvError error => throw KvException.FromError(error),
        _ => throw new KvException(ErrorCode.UnsupportedRequest, $"unexpected reply {reply.GetType().Name} (client and server versions differ?)"),
    };

    private void CheckValue(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        // The remoting frames are sized from MaxValueBytes; refusing here keeps requests well inside them, where an
        // oversized frame would be dropped unanswered and surface only as a timeout. Without a limit of its own the
        // client checks a large value against the server's (SendOnceAsync).
        if (_options.MaxValueBytes is { } own && value.Length > own)
            throw new KvValueTooLargeException($"value is {value.Length} bytes, this client's limit (MaxValueBytes, kv --max-value-bytes) is {own}");
        if (value.Length > KvClientOptions.LargestMaxValueBytes)
            throw new KvValueTooLargeException($"value is {value.Length} bytes, no server accepts more than {KvClientOptions.LargestMaxValueBytes}");
    }

    private static KvValue ToValue(Found found) => new(
        found.Value, found.Revision,
        found.ExpiresAtUnixMs is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null);

    private static long Deadline(TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "a TTL must be positive");
        return (DateTimeOffset.UtcNow + ttl).ToUnixTimeMilliseconds();
    }

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value ?? throw new ArgumentNullException(nameof(value)));
}
