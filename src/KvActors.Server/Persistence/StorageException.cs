namespace KvActors.Server.Persistence;

/// <summary>
/// The storage files cannot be used as they are (damaged, not SQLite, unreadable). The message is one line naming
/// the file, fit to show the operator as is; the server does not start, and nothing repairs or overwrites the file.
/// </summary>
public sealed class StorageException(string message, Exception? innerException = null) : IOException(message, innerException);
