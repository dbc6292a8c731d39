using KvActors.Protocol;

namespace KvActors.Replication.Replica;

/// <summary>The replica's own error answers, worded once.</summary>
internal static class ReplicaErrors
{
    /// <summary>A write was proposed, and then its leader lost leadership before it was applied: it may still be
    /// committed by the next leader, or never.</summary>
    public static KvError LeadershipLost(int partition) =>
        KvErrors.LostInFlight($"the leader of partition {partition} lost its leadership before the write was committed");

    /// <summary>The replica stopped (a journal failure) with the request unanswered; a write may have been proposed.</summary>
    public static KvError Stopped(int partition) =>
        KvErrors.LostInFlight($"the replica of partition {partition} stopped before the request was answered");
}
