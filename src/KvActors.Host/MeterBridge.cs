using System.Diagnostics.Metrics;
using KvActors.Server;
using Prometheus;

namespace KvActors.Host;

/// <summary>
/// Carries the <c>KvActors</c> meter's counters and histograms into prometheus-net metrics of the same names
/// (<c>kvactors_requests_total</c>, <c>kvactors_request_seconds</c>, ...), with their tags as labels and the
/// latency buckets of <see cref="KvMetrics"/>. prometheus-net's own meter adapter exports the observable gauges.
/// </summary>
internal sealed class MeterBridge : IDisposable
{
    private static readonly double[] LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] SizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, Action<double, ReadOnlySpan<KeyValuePair<string, object?>>>> _sinks = new()
    {
        ["requests"] = Counter("kvactors_requests_total", "Requests answered, by front, command and outcome", "front", "command", "outcome"),
        ["request_seconds"] = Histogram("kvactors_request_seconds", "Request latency from arrival at the front to the reply", LatencyBuckets, "front", "command"),
        ["journal_write_seconds"] = Histogram("kvactors_journal_write_seconds", "Journal write latency per record (group commit)", LatencyBuckets),
        ["journal_group_commit_changes"] = Histogram("kvactors_journal_group_commit_changes", "Changes per journal record (group commit size)", SizeBuckets),
    };

    public MeterBridge()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == KvMetrics.MeterName && _sinks.ContainsKey(instrument.Name)) listener.EnableMeasurementEvents(instrument, _sinks[instrument.Name]);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => ((Action<double, ReadOnlySpan<KeyValuePair<string, object?>>>)state!)(value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => ((Action<double, ReadOnlySpan<KeyValuePair<string, object?>>>)state!)(value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private static Action<double, ReadOnlySpan<KeyValuePair<string, object?>>> Counter(string name, string help, params string[] labels)
    {
        var counter = Metrics.CreateCounter(name, help, labels);
        return (value, tags) => counter.WithLabels(Values(labels, tags)).Inc(value);
    }

    private static Action<double, ReadOnlySpan<KeyValuePair<string, object?>>> Histogram(string name, string help, double[] buckets, params string[] labels)
    {
        var histogram = Metrics.CreateHistogram(name, help, new HistogramConfiguration { Buckets = buckets, LabelNames = labels });
        return (value, tags) => histogram.WithLabels(Values(labels, tags)).Observe(value);
    }

    private static string[] Values(string[] labels, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var values = new string[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            values[i] = "";
            foreach (var tag in tags)
            {
                if (tag.Key == labels[i]) values[i] = tag.Value?.ToString() ?? "";
            }
        }

        return values;
    }
}
