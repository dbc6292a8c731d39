using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace KvActors.Server;

/// <summary>
/// The server's instruments, on one <see cref="System.Diagnostics.Metrics.Meter"/> named <c>KvActors</c>: plain .NET
/// metrics, so the libraries need no exporter; the host exports them in Prometheus text format on <c>/metrics</c>.
/// Per-partition gauges read what each store publishes here (the process hosts one server).
/// </summary>
public static class KvMetrics
{
    public const string MeterName = "KvActors";

    public static readonly Meter Meter = new(MeterName);

    // Before the histograms that use it: static fields are initialized in order.
    private static readonly double[] LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly ConcurrentDictionary<int, PartitionGauges> Partitions = new();

    /// <summary>One journal record (a group commit): from handing it to the journal until it is durable.</summary>
    public static readonly Histogram<double> JournalWriteDuration = Meter.CreateHistogram<double>("journal_write_seconds",
        description: "Journal write latency per record (group commit)", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    /// <summary>Changes per journal record: how many writes one group commit carried.</summary>
    public static readonly Histogram<long> GroupCommitSize = Meter.CreateHistogram<long>("journal_group_commit_changes",
        description: "Changes per journal record (group commit size)",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] });

    static KvMetrics()
    {
        Meter.CreateObservableGauge("partition_keys", () => Each(g => g.Keys()), description: "Keys per hosted partition");
        Meter.CreateObservableGauge("pending_requests", () => Each(g => g.Pending()), description: "Requests admitted but not yet answered, per hosted partition");
        Meter.CreateObservableGauge("partition_recovery_seconds", () => Partitions
                .Where(p => p.Value.RecoverySeconds is not null)
                .Select(p => new Measurement<double>(p.Value.RecoverySeconds!.Value, new KeyValuePair<string, object?>("partition", p.Key))),
            description: "How long each hosted partition took to recover at its last start");
    }

    /// <summary>A store started for <paramref name="partition"/>: its gauges read these from now on.</summary>
    public static void PartitionStarted(int partition, Func<long> keys, Func<long> pending) =>
        Partitions[partition] = new PartitionGauges(keys, pending);

    public static void PartitionRecovered(int partition, TimeSpan duration)
    {
        if (Partitions.TryGetValue(partition, out var gauges)) gauges.RecoverySeconds = duration.TotalSeconds;
    }

    /// <summary>The partition is no longer hosted here (it moved, or this node stops).</summary>
    public static void PartitionStopped(int partition) => Partitions.TryRemove(partition, out _);

    private static IEnumerable<Measurement<long>> Each(Func<PartitionGauges, long> read) =>
        Partitions.Select(p => new Measurement<long>(read(p.Value), new KeyValuePair<string, object?>("partition", p.Key)));

    private sealed class PartitionGauges(Func<long> keys, Func<long> pending)
    {
        public Func<long> Keys { get; } = keys;

        public Func<long> Pending { get; } = pending;

        public double? RecoverySeconds { get; set; }
    }
}
