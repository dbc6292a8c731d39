using System.Diagnostics.Metrics;

namespace KvActors.Resp.Server;

/// <summary>
/// RESP's instruments, on the server's <c>KvActors</c> meter (the host exports it as Prometheus text on <c>/metrics</c>).
/// </summary>
internal static class RespMetrics
{
    private static readonly Meter Meter = new("KvActors");

    private static readonly double[] LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Commands answered, by front (<c>resp</c>), command and outcome (<c>ok</c> or the error's first word).</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("requests", description: "Requests answered, by front, command and outcome");

    /// <summary>From a command's arrival to its reply, by front and command.</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("request_seconds",
        description: "Request latency from arrival at the front to the reply", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
}
