using KvActors.Protocol;

namespace KvActors.Replication;

/// <summary>
/// A read answered by any replica from what it has applied, without asking the leader: possibly stale (it may
/// miss writes acknowledged elsewhere), never a value that is not committed. What the stale-read option will use.
/// </summary>
public sealed record ReadLocal(IKvQuery Query) : IKvRequest;
