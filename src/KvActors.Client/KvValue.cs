using System.Text;

namespace KvActors.Client;

/// <summary>A key's value and the revision of its last change (pass it as the expected revision of a compare-and-set).</summary>
public sealed record KvValue(byte[] Value, long Revision)
{
    /// <summary>The value decoded as UTF-8 text.</summary>
    public string ToUtf8String() => Encoding.UTF8.GetString(Value);
}
