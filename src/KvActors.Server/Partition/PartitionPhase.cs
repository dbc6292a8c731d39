namespace KvActors.Server.Partition;

/// <summary>What a hosted partition is doing, as its <see cref="PartitionHost"/> reports it.</summary>
public enum PartitionPhase
{
    /// <summary>Taking ownership or recovering its state from the journal: requests wait, then are told "starting".</summary>
    Loading,

    /// <summary>Serves requests.</summary>
    Serving,

    /// <summary>Its store failed and is restarted with backoff, or it was fenced off by a newer owner.</summary>
    Down,
}
