namespace KvActors.Protocol;

/// <summary>
/// Errors answered in several places with one meaning, worded once: clients, docs and RESP replies quote them.
/// </summary>
public static class KvErrors
{
    /// <summary>
    /// Said of a request that may or may not have been applied: a read can simply be retried, a write must be read
    /// back before it is sent again.
    /// </summary>
    public const string IfAWriteOutcomeUnknown = "if it was a write, its outcome is unknown";

    /// <summary>What the request waited for did not answer within <paramref name="timeout"/>.</summary>
    /// <param name="what">What did not answer, as the start of a sentence ("no reply", "a partition did not answer").</param>
    /// <param name="timeout">How long the request waited.</param>
    public static KvError TimedOut(string what, TimeSpan timeout) =>
        new(ErrorCode.Timeout, $"{what} within {timeout.TotalSeconds:0.###}s; {IfAWriteOutcomeUnknown}");

    /// <summary>The request was handed on, and then what held it went away before answering.</summary>
    /// <param name="what">What went away ("storage failed before the request was answered").</param>
    public static KvError LostInFlight(string what) =>
        new(ErrorCode.Unavailable, $"{what}; {IfAWriteOutcomeUnknown}, read before retrying");
}
