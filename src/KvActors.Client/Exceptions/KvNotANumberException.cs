using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>The stored value is not a number, so it cannot be incremented.</summary>
public sealed class KvNotANumberException(string message, Exception? innerException = null)
    : KvException(ErrorCode.NotANumber, message, innerException);
