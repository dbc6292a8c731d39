using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>The value is larger than the server (or this client's <see cref="KvClientOptions.MaxValueBytes"/>) accepts.</summary>
public sealed class KvValueTooLargeException(string message, Exception? innerException = null)
    : KvException(ErrorCode.ValueTooLarge, message, innerException);
