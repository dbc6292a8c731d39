namespace KvActors.Server.Partitioning;

/// <summary>The configured partition count does not match the data, or the layout cannot be read; the server must not start.</summary>
public sealed class PartitionLayoutException(string message, Exception? inner = null, bool recordFailed = false)
    : Exception(message, inner)
{
    /// <summary>Writing the layout failed (another node may have recorded it first): reading again may succeed.</summary>
    public bool RecordFailed { get; } = recordFailed;
}
