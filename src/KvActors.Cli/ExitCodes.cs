namespace KvActors.Cli;

/// <summary>The exit codes of <c>kv</c>; scripts rely on them, so they never change meaning.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The key does not exist, or a condition failed (already exists, revision mismatch); <c>exists</c> answered false.</summary>
    public const int NotFoundOrConditionFailed = 1;

    /// <summary>Anything else: server unreachable, timeout, invalid input, bad usage.</summary>
    public const int Error = 2;
}
