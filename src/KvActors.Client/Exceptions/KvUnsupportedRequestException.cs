using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>The server does not understand the request (typically a client newer than the server).</summary>
public sealed class KvUnsupportedRequestException(string message, Exception? innerException = null)
    : KvException(ErrorCode.UnsupportedRequest, message, innerException);
