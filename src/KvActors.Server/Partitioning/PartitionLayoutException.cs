namespace KvActors.Server.Partitioning;

/// <summary>The configured partition count does not match the data, or the layout cannot be read; the server must not start.</summary>
public sealed class PartitionLayoutException(string message, Exception? inner = null) : Exception(message, inner);
