using System.Globalization;
using KvActors.TestSupport.Linearizability;
using Xunit;
using static KvActors.TestSupport.Linearizability.KvOperationKind;

namespace KvActors.Tests.Linearizability;

/// <summary>
/// The checker on hand-made histories (times are abstract clock ticks; "never" marks an indeterminate operation):
/// it must accept every linearizable one and reject each anomaly a broken store could show.
/// </summary>
public sealed class LinearizabilityCheckerSpec
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    private static KvOperation Op(int process, KvOperationKind kind, string key, long start, long? end, KvOutcome? outcome, string? value = null, long argument = 0) =>
        new(process, kind, key, value, argument, end is null ? null : outcome, start, end);

    private static KvOperation Set(int p, string value, long start, long? end, long? revision = null, string key = "k") =>
        Op(p, KvOperationKind.Set, key, start, end, KvOutcome.Written(revision), value);

    private static KvOperation Get(int p, string? found, long start, long end, long? revision = null, string key = "k") =>
        Op(p, KvOperationKind.Get, key, start, end, found is null ? KvOutcome.NotFound : KvOutcome.Found(found, revision));

    private static KvOperation Cas(int p, long expected, string value, long start, long? end, KvOutcome outcome) =>
        Op(p, CompareAndSet, "k", start, end, outcome, value, expected);

    private static KvOperation Incr(int p, long start, long? end, KvOutcome outcome, long delta = 1) =>
        Op(p, Increment, "k", start, end, outcome, argument: delta);

    private static LinearizabilityResult Check(params KvOperation[] history) => LinearizabilityChecker.Check(history, new KvModel(), Budget);

    private static void AssertLinearizable(params KvOperation[] history)
    {
        var result = Check(history);
        Assert.True(result.IsLinearizable, result.ToString());
    }

    private static void AssertNotLinearizable(params KvOperation[] history) =>
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, Check(history).Verdict);

    [Fact]
    public void LinearizabilityChecker_should_accept_a_sequential_history() => AssertLinearizable(
        Get(0, null, 0, 1),
        Set(0, "a", 2, 3, revision: 1),
        Get(1, "a", 4, 5, revision: 1),
        Op(1, Delete, "k", 6, 7, KvOutcome.Written(2)),
        Get(0, null, 8, 9));

    [Fact]
    public void LinearizabilityChecker_should_let_a_read_overlapping_a_write_see_either_value()
    {
        AssertLinearizable(Set(0, "a", 0, 1), Set(0, "b", 2, 10), Get(1, "a", 3, 4), Get(1, "b", 5, 6), Get(2, "b", 11, 12));
        AssertLinearizable(Set(0, "a", 0, 1), Set(0, "b", 2, 10), Get(1, "b", 3, 4), Get(2, "b", 11, 12));
    }

    [Fact]
    public void LinearizabilityChecker_should_reject_a_stale_read() =>
        AssertNotLinearizable(Set(0, "a", 0, 1), Set(0, "b", 2, 3), Get(1, "a", 4, 5));

    [Fact]
    public void LinearizabilityChecker_should_reject_a_read_going_back_in_time_within_an_overlapping_write() =>
        AssertNotLinearizable(Set(0, "a", 0, 1), Set(0, "b", 2, 10), Get(1, "b", 3, 4), Get(1, "a", 5, 6));

    [Fact]
    public void LinearizabilityChecker_should_reject_a_lost_write() =>
        AssertNotLinearizable(Set(0, "a", 0, 1), Get(1, null, 2, 3));

    [Fact]
    public void LinearizabilityChecker_should_reject_a_value_nobody_wrote() =>
        AssertNotLinearizable(Set(0, "a", 0, 5), Get(1, "z", 1, 4));

    [Fact]
    public void LinearizabilityChecker_should_reject_two_compare_and_sets_winning_on_one_revision() => AssertNotLinearizable(
        Set(0, "a", 0, 1, revision: 5),
        Cas(1, 5, "b", 2, 6, KvOutcome.Written(6)),
        Cas(2, 5, "c", 2, 6, KvOutcome.Written(7)));

    [Fact]
    public void LinearizabilityChecker_should_accept_one_of_two_racing_compare_and_sets_losing() => AssertLinearizable(
        Set(0, "a", 0, 1, revision: 5),
        Cas(1, 5, "b", 2, 6, KvOutcome.Mismatch),
        Cas(2, 5, "c", 2, 6, KvOutcome.Written(7)),
        Get(1, "c", 7, 8, revision: 7));

    [Fact]
    public void LinearizabilityChecker_should_reject_a_compare_and_set_refused_although_the_revision_matched() => AssertNotLinearizable(
        Set(0, "a", 0, 1, revision: 5),
        Cas(1, 5, "b", 2, 3, KvOutcome.Mismatch));

    [Fact]
    public void LinearizabilityChecker_should_reject_a_create_if_absent_succeeding_on_an_existing_key() => AssertNotLinearizable(
        Set(0, "a", 0, 1),
        Cas(1, 0, "b", 2, 3, KvOutcome.Written()));

    [Fact]
    public void LinearizabilityChecker_should_reject_revisions_going_backwards() =>
        AssertNotLinearizable(Set(0, "a", 0, 1, revision: 9), Set(1, "b", 2, 3, revision: 4));

    [Fact]
    public void LinearizabilityChecker_should_pin_a_revision_a_resp_write_did_not_report()
    {
        // RESP reports no revision; a native read reveals it, and a compare-and-set on it must then win.
        AssertLinearizable(Set(0, "a", 0, 1), Get(1, "a", 2, 3, revision: 12), Cas(1, 12, "b", 4, 5, KvOutcome.Written(13)));
        AssertNotLinearizable(Set(0, "a", 0, 1), Get(1, "a", 2, 3, revision: 12), Cas(1, 12, "b", 4, 5, KvOutcome.Mismatch));
        AssertNotLinearizable(Set(0, "a", 0, 1), Get(1, "a", 2, 3, revision: 12), Get(2, "a", 4, 5, revision: 13));
    }

    [Fact]
    public void LinearizabilityChecker_should_reject_two_increments_returning_the_same_count() =>
        AssertNotLinearizable(Incr(0, 0, 5, KvOutcome.Found("1")), Incr(1, 1, 6, KvOutcome.Found("1")));

    [Fact]
    public void LinearizabilityChecker_should_accept_concurrent_increments_in_either_order() => AssertLinearizable(
        Incr(0, 0, 5, KvOutcome.Found("2")), Incr(1, 1, 6, KvOutcome.Found("1")), Incr(2, 7, 8, KvOutcome.Found("3")));

    [Fact]
    public void LinearizabilityChecker_should_accept_not_a_number_only_for_text() => AssertNotLinearizable(
        Set(0, "41", 0, 1), Incr(1, 2, 3, KvOutcome.NotANumber));

    [Fact]
    public void LinearizabilityChecker_should_let_an_indeterminate_write_take_effect_late_or_never()
    {
        AssertLinearizable(Set(0, "a", 0, 1), Set(0, "b", 2, null), Get(1, "a", 3, 4), Get(1, "b", 5, 6), Get(2, "b", 7, 8));
        AssertLinearizable(Set(0, "a", 0, 1), Set(0, "b", 2, null), Get(1, "a", 3, 4), Get(1, "a", 50, 60));
    }

    [Fact]
    public void LinearizabilityChecker_should_not_let_an_indeterminate_write_take_effect_twice_or_early()
    {
        AssertNotLinearizable(Set(0, "a", 0, 1), Set(0, "b", 2, null), Get(1, "b", 3, 4), Get(1, "a", 5, 6));
        AssertNotLinearizable(Get(1, "b", 0, 1), Set(0, "b", 2, null));
    }

    [Fact]
    public void LinearizabilityChecker_should_settle_an_indeterminate_write_as_never_at_its_deadline()
    {
        var crashed = Set(0, "b", 2, null) with { EffectDeadline = 5 };
        AssertLinearizable(Set(0, "a", 0, 1), crashed, Get(1, "b", 3, 4), Set(1, "c", 6, 7), Get(1, "c", 8, 9));
        AssertLinearizable(Set(0, "a", 0, 1), crashed, Set(1, "c", 6, 7), Get(1, "c", 8, 9));
        AssertNotLinearizable(Set(0, "a", 0, 1), crashed, Set(1, "c", 6, 7), Get(1, "b", 8, 9));
        AssertNotLinearizable(Set(0, "a", 0, 1), crashed, Get(1, "b", 6, 7), Get(1, "a", 8, 9));
    }

    [Fact]
    public void LinearizabilityChecker_should_let_an_indeterminate_increment_count_once_at_most() => AssertNotLinearizable(
        Incr(0, 0, null, KvOutcome.Found("1")), Incr(1, 1, 2, KvOutcome.Found("3")));

    [Fact]
    public void LinearizabilityChecker_should_name_the_key_that_is_not_linearizable()
    {
        var result = Check(Set(0, "a", 0, 1, key: "good"), Get(1, "a", 2, 3, key: "good"), Set(0, "a", 0, 1, key: "bad"), Get(1, null, 2, 3, key: "bad"));

        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Contains("partition 'bad'", result.Explanation);
        Assert.Contains("p1 get(bad) -> NotFound", result.Explanation);
    }

    [Fact]
    public void LinearizabilityChecker_should_decide_a_long_concurrent_history_both_ways()
    {
        var history = SimulatedHistory(seed: 7, processes: 6, operationsPerProcess: 300);
        var verdict = Check(history.ToArray());
        Assert.True(verdict.IsLinearizable, verdict.ToString());

        // One read, late in the history, reporting a value that was never written.
        var reads = Enumerable.Range(0, history.Count).Where(i => history[i].Kind == KvOperationKind.Get).ToList();
        var victim = reads[reads.Count * 3 / 4];
        history[victim] = history[victim] with { Outcome = KvOutcome.Found("never-written") };
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, Check(history.ToArray()).Verdict);
    }

    // An atomic register driven by concurrent processes: each operation takes effect at a random instant between
    // its call and its return, and its outcome is what the register said at that instant.
    private static List<KvOperation> SimulatedHistory(int seed, int processes, int operationsPerProcess)
    {
        var random = new Random(seed);
        var planned = new List<(int Process, KvOperationKind Kind, long Start, long End, long At, string Value)>();
        for (var p = 0; p < processes; p++)
        {
            long clock = random.Next(10);
            for (var i = 0; i < operationsPerProcess; i++)
            {
                var start = clock + random.Next(1, 5);
                var end = start + random.Next(1, 40);
                var kind = (KvOperationKind)random.Next(5);
                planned.Add((p, kind, start, end, random.NextInt64(start, end + 1), $"p{p}-{i}"));
                clock = end;
            }
        }

        string? value = null;
        long revision = 0, keyRevision = 0;
        var history = new List<KvOperation>();
        foreach (var op in planned.OrderBy(o => o.At))
        {
            KvOutcome outcome;
            var argument = 0L;
            switch (op.Kind)
            {
                case KvOperationKind.Get:
                    outcome = value is null ? KvOutcome.NotFound : KvOutcome.Found(value, keyRevision);
                    break;
                case KvOperationKind.Delete when value is null:
                    outcome = KvOutcome.NotFound;
                    break;
                case KvOperationKind.CompareAndSet when random.Next(2) == 0 && value is not null:
                    argument = keyRevision - 1;
                    outcome = KvOutcome.Mismatch;
                    break;
                case KvOperationKind.Increment when !long.TryParse(value ?? "0", out _):
                    outcome = KvOutcome.NotANumber;
                    break;
                default:
                    argument = op.Kind == KvOperationKind.CompareAndSet ? (value is null ? 0 : keyRevision) : op.Kind == KvOperationKind.Increment ? 1 : 0;
                    value = op.Kind switch
                    {
                        KvOperationKind.Delete => null,
                        KvOperationKind.Increment => (long.Parse(value ?? "0", CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture),
                        _ => op.Value,
                    };
                    keyRevision = ++revision;
                    outcome = op.Kind == KvOperationKind.Increment ? KvOutcome.Found(value!, keyRevision) : KvOutcome.Written(keyRevision);
                    break;
            }

            var written = op.Kind is KvOperationKind.Set or KvOperationKind.CompareAndSet ? op.Value : null;
            history.Add(new KvOperation(op.Process, op.Kind, "k", written, argument, outcome, op.Start, op.End));
        }

        return history.OrderBy(o => o.InvokedAt).ToList();
    }
}
