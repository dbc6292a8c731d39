namespace KvActors.Server.State;

/// <summary>
/// Read access to keys as of some point: the durable state, or the durable state plus writes accepted on top of it.
/// Records are returned whether expired or not; callers judge liveness against the time they were given.
/// </summary>
internal interface IKeyView
{
    /// <summary>Revision of the latest change this view includes.</summary>
    long LatestRevision { get; }

    bool TryGet(string key, out KeyRecord record);
}
