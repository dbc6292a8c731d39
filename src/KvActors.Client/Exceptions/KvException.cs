using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>
/// A request failed. <see cref="Code"/> says why; each code has its own subclass so callers can catch just the
/// failures they handle (<see cref="KvNotFoundException"/>, <see cref="KvRevisionMismatchException"/>, ...).
/// </summary>
public class KvException : Exception
{
    public KvException(ErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    public ErrorCode Code { get; }

    /// <summary>The exception for an error reply of the server.</summary>
    internal static KvException FromError(KvError error) => error.Code switch
    {
        ErrorCode.NotFound => new KvNotFoundException(error.Message),
        ErrorCode.AlreadyExists => new KvAlreadyExistsException(error.Message),
        ErrorCode.RevisionMismatch => new KvRevisionMismatchException(error.Message),
        ErrorCode.InvalidKey => new KvInvalidKeyException(error.Message),
        ErrorCode.ValueTooLarge => new KvValueTooLargeException(error.Message),
        ErrorCode.InvalidArgument => new KvInvalidArgumentException(error.Message),
        ErrorCode.Unavailable => new KvUnavailableException(error.Message),
        ErrorCode.Timeout => new KvTimeoutException(error.Message),
        ErrorCode.Busy => new KvBusyException(error.Message),
        ErrorCode.UnsupportedRequest => new KvUnsupportedRequestException(error.Message),
        ErrorCode.NotANumber => new KvNotANumberException(error.Message),
        ErrorCode.Overflow => new KvOverflowException(error.Message),
        ErrorCode.CrossPartition => new KvCrossPartitionException(error.Message),
        // A code added by a newer server: still a failure, with the server's own words.
        _ => new KvException(error.Code, error.Message),
    };
}
