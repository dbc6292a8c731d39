using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>No reply arrived in time while the server looked reachable. A write's outcome is unknown: it may or may not have been applied.</summary>
public sealed class KvTimeoutException(string message, Exception? innerException = null)
    : KvException(ErrorCode.Timeout, message, innerException);
