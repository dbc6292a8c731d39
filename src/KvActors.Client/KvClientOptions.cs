using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>How a <see cref="KvClient"/> connects and how long it waits.</summary>
public sealed record KvClientOptions
{
    /// <summary>The servers' default <c>max-value-bytes</c>, assumed of a server too old to say its own.</summary>
    public const int DefaultMaxValueBytes = ProtocolLimits.DefaultMaxValueBytes;

    /// <summary>The largest <c>max-value-bytes</c> a server accepts; the client's frames fit a value this large.</summary>
    public const int LargestMaxValueBytes = ProtocolLimits.LargestMaxValueBytes;

    /// <summary>
    /// Longest wait for one call, connecting included, unless the call passes its own timeout. Every call ends
    /// within it: with a reply, or with <see cref="KvUnavailableException"/> / <see cref="KvTimeoutException"/>.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Address the client's own remoting binds to (on a free port). The server replies to it, so it must be
    /// reachable from the server: keep 127.0.0.1 for a local server, use this machine's address otherwise.
    /// </summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>
    /// Largest value this client sends; larger ones fail locally with <see cref="KvValueTooLargeException"/>.
    /// Null (the default): the server's own limit (its <c>max-value-bytes</c>), which the client asks the server for
    /// the first time it sends a value over <see cref="DefaultMaxValueBytes"/>. A number also sizes the remoting
    /// frames (null sizes them for <see cref="LargestMaxValueBytes"/>), so it caps what the client can read too.
    /// </summary>
    public int? MaxValueBytes { get; init; }

    /// <summary>
    /// How often the client asks the node it uses for the cluster's members, and adds the Up members to the servers
    /// it may fail over to (it also asks right after connecting and after moving to another node). Servers given to
    /// <see cref="KvClient.ConnectAsync(IReadOnlyList{string}, KvClientOptions?, CancellationToken)"/> are always kept.
    /// <see cref="Timeout.InfiniteTimeSpan"/>: only after connecting and moving; <see cref="TimeSpan.Zero"/>: never
    /// (use the given servers only). A single-node server ends the asking by itself.
    /// </summary>
    public TimeSpan MembershipRefresh { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How fresh reads (get, exists, scan) must be: <see cref="ReadConsistency.Linearizable"/> by default.</summary>
    public ReadConsistency Reads { get; init; } = ReadConsistency.Linearizable;

    /// <summary>Akka log level (OFF, ERROR, WARNING, INFO, DEBUG). Log lines go to standard error, never to standard output.</summary>
    public string LogLevel { get; init; } = "WARNING";
}
