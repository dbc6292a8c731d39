namespace KvActors.Tests.Infrastructure;

/// <summary>The <c>name:value</c> fields of an INFO reply as read off the wire (a bulk string), by name.</summary>
public static class InfoFields
{
    public static IReadOnlyDictionary<string, string> Parse(string reply) => reply
        .Split("\r\n")
        .Skip(1) // the bulk string's length line
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split(':', 2))
        .ToDictionary(parts => parts[0], parts => parts[1]);
}
