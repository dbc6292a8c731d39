namespace KvActors.Replication.Joining;

/// <summary>What one node's replicas have seen, for a node deciding how to join (<see cref="GetBootstrapState"/>).</summary>
/// <param name="Ready">False while its own replicas are still recovering: the answer would say nothing yet.</param>
/// <param name="Active">Whether any of its replicas has seen an election or a log entry beyond the founding
/// membership: the groups run, and a node without its data must not take its founding place in them.</param>
/// <param name="Members">Every replica id in the memberships its replicas have applied.</param>
public sealed record BootstrapState(bool Ready, bool Active, IReadOnlyList<ulong> Members)
{
    public static readonly BootstrapState NotReady = new(false, false, []);

    /// <summary>A node that has started no replica yet: nothing runs here.</summary>
    public static readonly BootstrapState Empty = new(true, false, []);
}
