using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>A create found the key already present.</summary>
public sealed class KvAlreadyExistsException(string message, Exception? innerException = null)
    : KvException(ErrorCode.AlreadyExists, message, innerException);
