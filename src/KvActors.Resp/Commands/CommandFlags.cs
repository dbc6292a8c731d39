namespace KvActors.Resp.Commands;

/// <summary>Properties of a command: what COMMAND reports, and whether MULTI may queue it.</summary>
[Flags]
internal enum CommandFlags
{
    None = 0,
    Write = 1,
    ReadOnly = 2,
    Fast = 4,
    Admin = 8,

    /// <summary>Cannot be queued by MULTI (needs several dependent round trips, or changes the connection itself).</summary>
    NoMulti = 16,

    /// <summary>MULTI, EXEC, DISCARD and the like: run at once even inside MULTI.</summary>
    TransactionControl = 32,
}
