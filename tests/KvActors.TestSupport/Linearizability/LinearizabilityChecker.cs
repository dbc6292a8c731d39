using System.Diagnostics;
using System.Text;

namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// Decides whether a concurrent history is linearizable against a sequential model: the Wing–Gong search with
/// Lowe's memoization, as in Porcupine. Each partition is searched on its own. The search walks the history's
/// call and return events in time order, tries to linearize any operation whose call comes before the first
/// pending return, and backtracks when a return is reached whose operation could not be placed. A configuration
/// (the set of operations linearized so far, and the model state they lead to) that was explored once is never
/// explored again. Indeterminate operations have no return event: the search may place them anywhere after their
/// call, and need never place them at all. One with an effect deadline has a deadline event instead: reaching it
/// unplaced, the search settles it as never having taken effect.
/// </summary>
public static class LinearizabilityChecker
{
    private const int StepsBetweenClockChecks = 4096;
    private const int OperationsShownPerList = 25;

    public static LinearizabilityResult Check<TOperation, TState>(
        IReadOnlyList<TOperation> history, ISequentialModel<TOperation, TState> model, TimeSpan budget)
        where TOperation : IHistoryOperation
        where TState : notnull
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        var partitions = history.GroupBy(model.PartitionOf, StringComparer.Ordinal).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var undecided = new List<string>();
        foreach (var partition in partitions)
        {
            var search = new PartitionSearch<TOperation, TState>(partition.ToList(), model, deadline);
            switch (search.Run())
            {
                case LinearizabilityVerdict.NotLinearizable:
                    return new LinearizabilityResult(LinearizabilityVerdict.NotLinearizable, partitions.Count, history.Count,
                        $"partition '{partition.Key}' is not linearizable\n{search.Explain()}");
                case LinearizabilityVerdict.Unknown:
                    undecided.Add(partition.Key);
                    break;
            }
        }

        return undecided.Count == 0
            ? new LinearizabilityResult(LinearizabilityVerdict.Linearizable, partitions.Count, history.Count, "")
            : new LinearizabilityResult(LinearizabilityVerdict.Unknown, partitions.Count, history.Count,
                $"no decision within {budget} for partitions {string.Join(", ", undecided.Select(p => $"'{p}'"))}");
    }

    /// <summary>The search over one partition's operations.</summary>
    private sealed class PartitionSearch<TOperation, TState>(
        IReadOnlyList<TOperation> operations, ISequentialModel<TOperation, TState> model, long deadline)
        where TOperation : IHistoryOperation
        where TState : notnull
    {
        private int[] _longest = [];

        public LinearizabilityVerdict Run()
        {
            var head = BuildEvents(out var returnsLeft);
            var linearized = new OperationSet(operations.Count);
            var explored = new HashSet<(OperationSet, TState)>();
            var placed = new Stack<(Event Call, TState Before, bool Dropped)>();
            var state = model.Initial;
            var entry = head.Next;
            for (long steps = 1; returnsLeft > 0; steps++)
            {
                if (steps % StepsBetweenClockChecks == 0 && Stopwatch.GetTimestamp() > deadline) return LinearizabilityVerdict.Unknown;

                if (entry!.Kind == EventKind.Call)
                {
                    if (model.TryStep(state, operations[entry.Id], out var next))
                    {
                        linearized.Add(entry.Id);
                        if (!explored.Contains((linearized, next)))
                        {
                            explored.Add((linearized.Copy(), next));
                            placed.Push((entry, state, Dropped: false));
                            state = next;
                            entry.Lift();
                            if (entry.Match?.Kind == EventKind.Return) returnsLeft--;
                            if (placed.Count > _longest.Length) _longest = placed.Where(p => !p.Dropped).Select(p => p.Call.Id).Reverse().ToArray();
                            entry = head.Next;
                            continue;
                        }

                        linearized.Remove(entry.Id);
                    }

                    entry = entry.Next;
                    continue;
                }

                if (entry.Kind == EventKind.Deadline)
                {
                    // Every placement before the deadline was tried above; the remaining choice is "never".
                    linearized.Add(entry.Id);
                    if (explored.Add((linearized.Copy(), state)))
                    {
                        placed.Push((entry.Call!, state, Dropped: true));
                        entry.Call!.Lift();
                        entry = head.Next;
                        continue;
                    }

                    linearized.Remove(entry.Id);
                }

                // A return whose operation is not placed (or a deadline already settled in this configuration):
                // nothing placed so far can be extended past it. Undo placements back to one with an alternative.
                while (true)
                {
                    if (placed.Count == 0) return LinearizabilityVerdict.NotLinearizable;
                    var (call, before, dropped) = placed.Pop();
                    state = before;
                    linearized.Remove(call.Id);
                    call.Unlift();
                    if (call.Match?.Kind == EventKind.Return) returnsLeft++;
                    entry = call.Next;
                    if (!dropped) break;
                }
            }

            return LinearizabilityVerdict.Linearizable;
        }

        public string Explain()
        {
            var origin = operations.Min(o => o.InvokedAt);
            string Show(int id)
            {
                var op = operations[id];
                var end = op.CompletedAt is { } c ? $"{Milliseconds(c - origin):F1}ms" : "never";
                return $"  [{Milliseconds(op.InvokedAt - origin):F1}ms .. {end}] {op}";
            }

            var placedIds = _longest.ToHashSet();
            var unplaced = Enumerable.Range(0, operations.Count)
                .Where(i => !placedIds.Contains(i) && operations[i].CompletedAt is not null)
                .OrderBy(i => operations[i].InvokedAt)
                .ToList();
            var text = new StringBuilder();
            text.AppendLine($"{operations.Count} operations; the longest linearizable prefix found places {_longest.Length}, ending with:");
            foreach (var id in _longest.TakeLast(OperationsShownPerList)) text.AppendLine(Show(id));
            text.AppendLine($"completed operations it could not place ({unplaced.Count}), earliest first:");
            foreach (var id in unplaced.Take(OperationsShownPerList)) text.AppendLine(Show(id));
            return text.ToString();
        }

        private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

        // The call, return and deadline events in time order (a call before a return at the same instant: they
        // overlap), as a doubly linked list behind a sentinel.
        private Event BuildEvents(out int returns)
        {
            var events = new List<Event>();
            for (var id = 0; id < operations.Count; id++)
            {
                var call = new Event(id, EventKind.Call, operations[id].InvokedAt);
                events.Add(call);
                var op = operations[id];
                if (op.CompletedAt is { } completed) call.Match = new Event(id, EventKind.Return, completed) { Call = call };
                else if (op.EffectDeadline is { } deadline) call.Match = new Event(id, EventKind.Deadline, Math.Max(deadline, op.InvokedAt)) { Call = call };
                if (call.Match is not null) events.Add(call.Match);
            }

            returns = events.Count(e => e.Kind == EventKind.Return);
            var head = new Event(-1, EventKind.Return, long.MinValue);
            var previous = head;
            foreach (var e in events.OrderBy(e => e.Time).ThenBy(e => e.Kind == EventKind.Call ? 0 : 1))
            {
                previous.Next = e;
                e.Previous = previous;
                previous = e;
            }

            return head;
        }
    }

    private enum EventKind
    {
        Call,
        Return,
        Deadline,
    }

    /// <summary>An event of the list. Lifting a call takes it and its return (or deadline) out; unlifting, in the
    /// reverse order of lifting, puts them back where they were.</summary>
    private sealed class Event(int id, EventKind kind, long time)
    {
        public int Id { get; } = id;

        public EventKind Kind { get; } = kind;

        public long Time { get; } = time;

        /// <summary>On a call: its return or deadline, if it has one.</summary>
        public Event? Match { get; set; }

        /// <summary>On a return or deadline: its call.</summary>
        public Event? Call { get; init; }

        public Event? Previous { get; set; }

        public Event? Next { get; set; }

        public void Lift()
        {
            Unlink(this);
            if (Match is not null) Unlink(Match);
        }

        public void Unlift()
        {
            if (Match is not null) Relink(Match);
            Relink(this);
        }

        private static void Unlink(Event e)
        {
            e.Previous!.Next = e.Next;
            if (e.Next is not null) e.Next.Previous = e.Previous;
        }

        private static void Relink(Event e)
        {
            e.Previous!.Next = e;
            if (e.Next is not null) e.Next.Previous = e;
        }
    }
}
