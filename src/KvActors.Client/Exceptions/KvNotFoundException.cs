using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>The key does not exist.</summary>
public sealed class KvNotFoundException(string message, Exception? innerException = null)
    : KvException(ErrorCode.NotFound, message, innerException);
