using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>An argument other than key or value is out of range (for example a scan page size or a negative revision).</summary>
public sealed class KvInvalidArgumentException(string message, Exception? innerException = null)
    : KvException(ErrorCode.InvalidArgument, message, innerException);
