namespace KvActors.Server.Ownership;

/// <summary>
/// The ownership table and the journal trigger that enforces it, in the journal's own database. Every method is one
/// atomic statement; the database serializes them against journal writes, which is what makes the fence real.
/// </summary>
public interface IOwnershipTable
{
    /// <summary>Creates the table and the fencing trigger on the journal if they are missing.</summary>
    void EnsureSchema();

    Task<IReadOnlyList<OwnershipRow>> ReadAllAsync(CancellationToken cancellationToken = default);

    Task<OwnershipRow?> ReadAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>Creates the partition's first row at epoch 1; false if another owner created it first.</summary>
    Task<bool> TryCreateAsync(string persistenceId, string owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the next epoch if the lease counter is still <paramref name="expectedLeaseSeq"/> (nobody renewed or took
    /// it since it was read); the new epoch, or null if it changed.
    /// </summary>
    Task<long?> TryTakeAsync(string persistenceId, long expectedLeaseSeq, string owner, CancellationToken cancellationToken = default);

    /// <summary>Raises the lease counter if <paramref name="epoch"/> is still current; false if a newer owner took it.</summary>
    Task<bool> RenewAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default);

    /// <summary>The highest sequence number in the partition's journal (0 if it has none).</summary>
    Task<long> HighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>Clears the owner if <paramref name="epoch"/> is still current, so the next owner need not wait out the lease.</summary>
    Task ReleaseAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default);
}
