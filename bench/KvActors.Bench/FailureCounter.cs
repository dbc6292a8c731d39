using System.Collections.Concurrent;

namespace KvActors.Bench;

/// <summary>Failed operations by kind and exception type: a load run that fails anything must say what and exit non-zero.</summary>
internal sealed class FailureCounter
{
    private readonly ConcurrentDictionary<(OperationKind Kind, string Type), long> _counts = new();

    public long Total => _counts.Values.Sum();

    public void Record(OperationKind kind, Exception e) => _counts.AddOrUpdate((kind, e.GetType().Name), 1, (_, n) => n + 1);

    public long Of(OperationKind kind) => _counts.Where(c => c.Key.Kind == kind).Sum(c => c.Value);

    public string Summary() => _counts.IsEmpty
        ? "none"
        : string.Join(", ", _counts.OrderBy(c => c.Key).Select(c => $"{c.Key.Kind.ToString().ToLowerInvariant()} {c.Key.Type} {c.Value}"));
}
