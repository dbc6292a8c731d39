using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>A conditional write or delete found the key at a different revision than expected (0 means absent).</summary>
public sealed class KvRevisionMismatchException(string message, Exception? innerException = null)
    : KvException(ErrorCode.RevisionMismatch, message, innerException);
