using System.Diagnostics;
using HdrHistogram;

namespace KvActors.Bench;

/// <summary>Per-caller latency histogram (microseconds); merged at the end, percentiles never averaged.</summary>
internal sealed class LatencyRecorder
{
    private readonly LongHistogram _histogram = new(TimeStamp.Minutes(1), 3);

    public long Count => _histogram.TotalCount;

    public void Record(long startTimestamp) =>
        _histogram.RecordValue(Math.Max(1, (Stopwatch.GetTimestamp() - startTimestamp) * 1_000_000 / Stopwatch.Frequency));

    public static LatencyRecorder Merge(IEnumerable<LatencyRecorder> recorders)
    {
        var merged = new LatencyRecorder();
        foreach (var r in recorders) merged._histogram.Add(r._histogram);
        return merged;
    }

    public string Summary() =>
        $"p50 {Ms(50)} ms, p99 {Ms(99)} ms, p99.9 {Ms(99.9)} ms, max {_histogram.GetMaxValue() / 1000.0:F2} ms";

    private string Ms(double percentile) => (_histogram.GetValueAtPercentile(percentile) / 1000.0).ToString("F2");
}
