using System.Globalization;

namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// The sequential specification of the store, one register per key: Get, Set, Delete, CompareAndSet by revision
/// and Increment, with replies as KvActors gives them. Indeterminate operations take their effect when they can
/// (a compare-and-set whose expectation fails, or an increment of text, changes nothing, same as never happening).
/// </summary>
public sealed class KvModel : ISequentialModel<KvOperation, KvRegister>
{
    public KvRegister Initial => KvRegister.Absent;

    public string PartitionOf(KvOperation operation) => operation.Key;

    public bool TryStep(KvRegister state, KvOperation op, out KvRegister next)
    {
        next = state;
        var outcome = op.Outcome;
        switch (op.Kind)
        {
            case KvOperationKind.Get:
                if (outcome is null) return true;
                if (outcome.Kind == KvOutcomeKind.NotFound) return state.Value is null;
                return outcome.Kind == KvOutcomeKind.Ok && state.Value == outcome.Value && TryPin(state, outcome.Revision, out next);

            case KvOperationKind.Set:
                if (outcome is null) return TryWrite(state, op.Value, null, out next);
                return outcome.Kind == KvOutcomeKind.Ok && TryWrite(state, op.Value, outcome.Revision, out next);

            case KvOperationKind.Delete:
                if (outcome is null) return state.Value is null || TryWrite(state, null, null, out next);
                if (outcome.Kind == KvOutcomeKind.NotFound) return state.Value is null;
                return outcome.Kind == KvOutcomeKind.Ok && state.Value is not null && TryWrite(state, null, outcome.Revision, out next);

            case KvOperationKind.CompareAndSet:
                var holds = Expectation(state, op.Argument);
                if (outcome is null) return holds == Truth.No || TryWrite(state, op.Value, null, out next);
                if (outcome.Kind == KvOutcomeKind.RevisionMismatch) return holds != Truth.Yes;
                return outcome.Kind == KvOutcomeKind.Ok && holds != Truth.No && TryWrite(state, op.Value, outcome.Revision, out next);

            case KvOperationKind.Increment:
                var current = Number(state.Value);
                if (outcome?.Kind == KvOutcomeKind.NotANumber) return current is null;
                if (current is null) return outcome is null;
                var sum = (current.Value + op.Argument).ToString(CultureInfo.InvariantCulture);
                if (outcome is null) return TryWrite(state, sum, null, out next);
                return outcome.Kind == KvOutcomeKind.Ok && outcome.Value == sum && TryWrite(state, sum, outcome.Revision, out next);

            default:
                throw new ArgumentOutOfRangeException(nameof(op), op.Kind, "unknown operation kind");
        }
    }

    private enum Truth
    {
        No,
        Yes,

        /// <summary>Depends on a revision the history never revealed.</summary>
        Unknown,
    }

    private static Truth Expectation(KvRegister state, long expectedRevision)
    {
        if (expectedRevision == 0) return state.Value is null ? Truth.Yes : Truth.No;
        if (state.Value is null) return Truth.No;
        if (state.Revision is { } known) return known == expectedRevision ? Truth.Yes : Truth.No;
        return expectedRevision > state.Floor ? Truth.Unknown : Truth.No;
    }

    private static long? Number(string? value) =>
        value is null ? 0 : long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    // A change (value null: a deletion). A reported revision must be above every revision the key already had.
    private static bool TryWrite(KvRegister state, string? value, long? revision, out KvRegister next)
    {
        next = revision is { } r ? new KvRegister(value, r, r) : new KvRegister(value, null, state.Floor);
        return revision is null || revision > state.Floor;
    }

    // A read reporting a revision: it must be the known one, or pins an unknown one (which lies above the floor).
    private static bool TryPin(KvRegister state, long? revision, out KvRegister next)
    {
        next = state;
        if (revision is not { } r || state.Revision == r) return true;
        if (state.Revision is not null || r <= state.Floor) return false;
        next = state with { Revision = r, Floor = r };
        return true;
    }
}
