namespace KvActors.Replication.Joining;

/// <summary>Asked of every other node's host by a node that has no recorded incarnation (a new or emptied data
/// directory), to learn whether its groups already run. Answered with <see cref="BootstrapState"/>.</summary>
public sealed record GetBootstrapState
{
    public static readonly GetBootstrapState Instance = new();
}
