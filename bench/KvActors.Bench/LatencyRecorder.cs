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

    public double MaxMs => _histogram.GetMaxValue() / 1000.0;

    /// <summary>0 when nothing was recorded (HdrHistogram throws on an empty histogram).</summary>
    public double PercentileMs(double percentile) => Count == 0 ? 0 : _histogram.GetValueAtPercentile(percentile) / 1000.0;

    public string Summary() => Count == 0
        ? "no call timed"
        : $"p50 {PercentileMs(50):F2} ms, p99 {PercentileMs(99):F2} ms, p99.9 {PercentileMs(99.9):F2} ms, max {MaxMs:F2} ms";
}
