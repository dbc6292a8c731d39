namespace KvActors.Server.Backup;

/// <summary>A restore that cannot be done or failed; the message is one line fit for the operator.</summary>
public sealed class RestoreException(string message, Exception? inner = null) : Exception(message, inner);
