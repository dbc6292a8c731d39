namespace KvActors.Resp.Execution;

/// <summary>How the requests of a <see cref="StorePlan"/> with more than one request are sent.</summary>
internal enum PlanMode
{
    /// <summary>Independent reads sent back to back (MGET, EXISTS k1 k2).</summary>
    Concurrent,

    /// <summary>One <see cref="KvActors.Protocol.Batch"/>: one atomic journal write, each request seeing the ones before.</summary>
    Batch,

    /// <summary>One all-or-nothing Batch: a failing request fails all of them (MSETNX).</summary>
    AllOrNothing,
}
