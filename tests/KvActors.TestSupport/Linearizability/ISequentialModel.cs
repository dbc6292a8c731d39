using System.Diagnostics.CodeAnalysis;

namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// The sequential specification a history is checked against. Operations of different partitions never affect
/// each other (for a key-value store: different keys), so each partition is checked on its own. States are values:
/// the checker compares them with <see cref="object.Equals(object)"/> to remember configurations already explored.
/// </summary>
public interface ISequentialModel<in TOperation, TState>
    where TOperation : IHistoryOperation
    where TState : notnull
{
    /// <summary>The state of a partition before any operation.</summary>
    TState Initial { get; }

    string PartitionOf(TOperation operation);

    /// <summary>
    /// Applies <paramref name="operation"/> to <paramref name="state"/> if its recorded outcome is what the
    /// specification allows there. An indeterminate operation has no outcome to match: it takes effect (if it can).
    /// </summary>
    bool TryStep(TState state, TOperation operation, [MaybeNullWhen(false)] out TState next);
}
