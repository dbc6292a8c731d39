using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>The server cannot be reached or cannot serve right now. Nothing was changed unless the message says a write's outcome is unknown; retrying later is safe.</summary>
public sealed class KvUnavailableException(string message, Exception? innerException = null)
    : KvException(ErrorCode.Unavailable, message, innerException);
