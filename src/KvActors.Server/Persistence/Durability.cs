namespace KvActors.Server.Persistence;

/// <summary>What an acknowledged write survives. Both modes acknowledge only after the SQLite commit.</summary>
public enum Durability
{
    /// <summary>
    /// Survives a crash or <c>kill -9</c> of the server process: the commit is in SQLite's write-ahead log
    /// (<c>synchronous=NORMAL</c>), which the OS writes to disk shortly after. An OS crash or power loss may lose
    /// the last moments of writes.
    /// </summary>
    Process,

    /// <summary>
    /// Survives power loss and OS crashes too: every commit is fsynced before it is acknowledged
    /// (<c>synchronous=FULL</c>). Costs one fsync per journal transaction, shared by all writes in it.
    /// </summary>
    Fsync,
}
