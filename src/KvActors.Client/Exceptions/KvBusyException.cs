using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>The server is overloaded and refused the request before doing anything. Safe to retry.</summary>
public sealed class KvBusyException(string message, Exception? innerException = null)
    : KvException(ErrorCode.Busy, message, innerException);
