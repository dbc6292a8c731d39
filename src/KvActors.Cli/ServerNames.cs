using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KvActors.Cli;

/// <summary>
/// <c>--server</c> as a person types it. Akka.Remote delivers only to the host name a server binds (127.0.0.1 by
/// default), so <c>localhost:4053</c> would never be answered by it; a HOST:PORT whose host is a name becomes the
/// addresses the name resolves to (IPv4, as servers bind), then the name itself, for a server bound by that name.
/// </summary>
internal static class ServerNames
{
    /// <summary>The servers to try, in order: each given one, a name expanded as described above.</summary>
    public static IReadOnlyList<string> Expand(string servers)
    {
        var expanded = new List<string>();
        foreach (var server in Split(servers))
        {
            if (NamedHost(server) is { } named)
            {
                foreach (var address in Resolve(named.Host)) expanded.Add($"{address}:{named.Port}");
            }

            expanded.Add(server);
        }

        return expanded.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>True if some server is given as HOST:PORT with a host name rather than an address.</summary>
    public static bool HasNames(string servers) => Split(servers).Any(s => NamedHost(s) is not null);

    private static string[] Split(string servers) =>
        servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (string Host, int Port)? NamedHost(string server)
    {
        if (server.Contains("://", StringComparison.Ordinal)) return null;
        var colon = server.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(server[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)) return null;
        var host = server[..colon];
        return IPAddress.TryParse(host, out _) ? null : (host, port);
    }

    private static IEnumerable<string> Resolve(string host)
    {
        try
        {
            return Dns.GetHostAddresses(host)
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
                .Select(a => a.ToString())
                .Distinct()
                .ToArray();
        }
        catch (SocketException)
        {
            return []; // unknown name: the client reports the name itself as unreachable
        }
    }
}
