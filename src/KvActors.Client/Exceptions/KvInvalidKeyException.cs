using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>The key is empty, longer than 4096 UTF-8 bytes, or not valid Unicode text.</summary>
public sealed class KvInvalidKeyException(string message, Exception? innerException = null)
    : KvException(ErrorCode.InvalidKey, message, innerException);
