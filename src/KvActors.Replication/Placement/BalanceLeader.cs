namespace KvActors.Replication.Placement;

/// <summary>
/// The placement controller to a group's leader: hand the leadership to voter <paramref name="To"/>, on a node that
/// leads fewer groups (leaders do the writing and the linearizable reads, so a node left with none after a restart
/// idles while another does all the work). The leader transfers only to a voter that is active and caught up; else it
/// ignores the word, and the controller asks again next round if the imbalance stays.
/// </summary>
/// <param name="Why">For the logs: what the controller saw.</param>
public sealed record BalanceLeader(int Partition, ulong To, string Why);
