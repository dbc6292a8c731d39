using System.Globalization;
using Akka.Actor;
using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>
/// Turns what a user types (<c>HOST:PORT</c> or an <c>akka.tcp://</c> address), or a cluster member's address, into
/// the front's actor path. Both end up in one canonical form, so a member the user also named is one server.
/// </summary>
internal static class ServerPath
{
    /// <exception cref="ArgumentException">The text is neither form.</exception>
    public static ActorPath Parse(string server)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(server);
        var text = server.Trim();
        var path = KvAddress.HasScheme(text) ? WithFrontPath(text) : FromHostAndPort(text);
        if (!ActorPath.TryParse(path, out var parsed) || parsed.Address.Host is null || parsed.Address.Port is null)
            throw new ArgumentException($"'{server}' is not a server address (expected HOST:PORT or akka.tcp://kv@HOST:PORT)", nameof(server));
        return parsed;
    }

    /// <summary>
    /// The front of a cluster member from its remoting address as the cluster reports it
    /// (<c>akka.tcp://kv@HOST:PORT</c>); null if the text is not such an address.
    /// </summary>
    public static ActorPath? FromMemberAddress(string address)
    {
        if (!Address.TryParse(address, out var parsed, out var path) || parsed.Host is null || parsed.Port is null
            || path is not ("" or "/"))
            return null;
        return ActorPath.Parse(parsed + KvAddress.FrontPath);
    }

    // An address without a path means the server's front.
    private static string WithFrontPath(string address)
    {
        var afterScheme = address.IndexOf("://", StringComparison.Ordinal) + 3;
        return address.IndexOf('/', afterScheme) < 0 ? address + KvAddress.FrontPath : address;
    }

    private static string FromHostAndPort(string hostAndPort)
    {
        var colon = hostAndPort.LastIndexOf(':');
        var host = colon > 0 ? hostAndPort[..colon] : "";
        var portText = colon > 0 ? hostAndPort[(colon + 1)..] : "";
        if (host.Length == 0 || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"'{hostAndPort}' is not a server address (expected HOST:PORT, for example 127.0.0.1:4053)", "server");
        return KvAddress.FrontOf(host, port);
    }
}
