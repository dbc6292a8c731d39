namespace KvActors.Protocol.Backup;

/// <summary>A file that is not a complete, undamaged backup; the message is one line fit for the operator.</summary>
public sealed class BackupFormatException(string message) : Exception(message);
