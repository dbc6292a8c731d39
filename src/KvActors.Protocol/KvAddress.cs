namespace KvActors.Protocol;

/// <summary>
/// How a KvActors server is addressed over Akka.Remote, on both sides of the wire: every server runs an ActorSystem
/// named <see cref="SystemName"/> and its front at <see cref="FrontPath"/>, so a server's address is
/// <c>akka.tcp://kv@HOST:PORT</c> (as the cluster names its members) and its front <c>akka.tcp://kv@HOST:PORT/user/kv</c>.
/// </summary>
public static class KvAddress
{
    public const string SystemName = "kv";

    /// <summary>The front's actor name, under <c>/user</c>.</summary>
    public const string FrontName = "kv";

    public const string FrontPath = "/user/" + FrontName;

    private const string Scheme = "akka.tcp://";

    /// <summary><c>akka.tcp://kv@HOST:PORT</c> for <c>HOST:PORT</c>.</summary>
    public static string OfServer(string hostAndPort) => $"{Scheme}{SystemName}@{hostAndPort}";

    /// <summary><c>akka.tcp://kv@HOST:PORT/user/kv</c>, the front of the server at <c>HOST:PORT</c>.</summary>
    public static string FrontOf(string host, int port) => OfServer($"{host}:{port}") + FrontPath;

    /// <summary>Whether the text is a full address (has a scheme) rather than <c>HOST:PORT</c>.</summary>
    public static bool HasScheme(string text) => text.Contains("://", StringComparison.Ordinal);

    /// <summary>
    /// A cluster member's address as the cluster writes it (<c>akka.tcp://kv@HOST:PORT</c>) from what a person types:
    /// <c>HOST:PORT</c>, the member's address, or its front's address.
    /// </summary>
    public static string OfMember(string text)
    {
        var trimmed = text.Trim().TrimEnd('/');
        if (trimmed.EndsWith(FrontPath, StringComparison.Ordinal)) trimmed = trimmed[..^FrontPath.Length];
        return HasScheme(trimmed) ? trimmed : OfServer(trimmed);
    }
}
