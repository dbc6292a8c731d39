using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>The result would overflow (a 64-bit integer, a non-finite float, or a value past the size limit).</summary>
public sealed class KvOverflowException(string message, Exception? innerException = null)
    : KvException(ErrorCode.Overflow, message, innerException);
