using System.Globalization;

namespace KvActors.Bench;

/// <summary>Relative weights of the operation kinds, parsed from <c>get:90,set:10</c>; each call draws one at random.</summary>
internal sealed class OperationMix
{
    private readonly (OperationKind Kind, int Weight)[] _weights;
    private readonly int _total;

    private OperationMix((OperationKind Kind, int Weight)[] weights)
    {
        _weights = weights;
        _total = weights.Sum(w => w.Weight);
    }

    /// <summary>Kinds with a non-zero weight, in declaration order.</summary>
    public IReadOnlyList<OperationKind> Kinds => _weights.Select(w => w.Kind).ToArray();

    public bool Includes(OperationKind kind) => _weights.Any(w => w.Kind == kind);

    public OperationKind Next(Random random)
    {
        var pick = random.Next(_total);
        foreach (var (kind, weight) in _weights)
        {
            if (pick < weight) return kind;
            pick -= weight;
        }

        throw new InvalidOperationException("unreachable: the weights add up to the total");
    }

    /// <exception cref="ArgumentException">The text is not <c>kind:weight[,kind:weight...]</c> with known kinds.</exception>
    public static OperationMix Parse(string text)
    {
        var weights = new Dictionary<OperationKind, int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length != 2
                || !Enum.TryParse<OperationKind>(pieces[0], ignoreCase: true, out var kind)
                || !int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight))
                throw new ArgumentException($"'{part}' in --mix is not KIND:WEIGHT with KIND one of {string.Join(", ", Enum.GetNames<OperationKind>()).ToLowerInvariant()}");
            weights[kind] = weights.GetValueOrDefault(kind) + weight;
        }

        var positive = weights.Where(w => w.Value > 0).OrderBy(w => w.Key).Select(w => (w.Key, w.Value)).ToArray();
        if (positive.Length == 0) throw new ArgumentException($"--mix '{text}' has no operation with a positive weight");
        return new OperationMix(positive);
    }

    /// <summary><paramref name="percent"/> % gets, the rest sets.</summary>
    public static OperationMix FromReadsPercent(int percent) =>
        percent is >= 0 and <= 100
            ? Parse(string.Create(CultureInfo.InvariantCulture, $"get:{percent},set:{100 - percent}"))
            : throw new ArgumentException($"--reads-percent must be 0 to 100, got {percent}");

    public override string ToString() =>
        string.Join(",", _weights.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Kind.ToString().ToLowerInvariant()}:{w.Weight}")));
}
