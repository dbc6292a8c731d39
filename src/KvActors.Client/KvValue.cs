using System.Text;

namespace KvActors.Client;

/// <summary>
/// A key's value, the revision of its last change (pass it as the expected revision of a compare-and-set), and when
/// it expires (null: never).
/// </summary>
public sealed record KvValue(byte[] Value, long Revision, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>The value decoded as UTF-8 text.</summary>
    public string ToUtf8String() => Encoding.UTF8.GetString(Value);
}
