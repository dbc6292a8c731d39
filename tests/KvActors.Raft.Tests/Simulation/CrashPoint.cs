namespace KvActors.Raft.Tests.Simulation;

/// <summary>Where in the handling of a Ready a simulated host dies.</summary>
internal enum CrashPoint
{
    /// <summary>The early messages are out; nothing is written.</summary>
    BeforePersist,

    /// <summary>Written, but the replies vouching for it are not sent.</summary>
    BeforeReplies,

    /// <summary>Written and replied; nothing applied.</summary>
    BeforeApply,

    /// <summary>Right after applying committed entries (and so acknowledging writes): a leader that just acknowledged
    /// a write dies before it tells anyone else that it committed.</summary>
    AfterApply,
}
