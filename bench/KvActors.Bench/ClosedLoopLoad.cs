using System.Diagnostics;
using System.Globalization;

namespace KvActors.Bench;

/// <summary>
/// Closed-loop load against a separate server (<see cref="ILoadTarget"/>): each caller sends one request, awaits the
/// reply, and sends the next. Latency is measured per call, from send to reply.
/// </summary>
internal static class ClosedLoopLoad
{
    // Enough concurrent preload writes to fill group commits, whatever --callers is.
    private const int PreloadCallers = 128;

    public static async Task<int> RunAsync(LoadSettings s)
    {
        if (s.Callers < 1 || s.Connections < 1 || s.Keys < 1 || s.ValueSize < 0 || s.Duration <= TimeSpan.Zero || s.Warmup < TimeSpan.Zero)
            throw new ArgumentException("--callers, --connections, --keys and --seconds must be positive; --value-size and --warmup not negative");

        await using var target = s.Target == "etcd"
            ? EtcdTarget.Connect(s.Server, s.Connections)
            : (ILoadTarget)await NativeTarget.ConnectAsync(s.Server, s.Connections);
        {
            var value = new byte[s.ValueSize];
            Random.Shared.NextBytes(value);
            var failures = new FailureCounter();

            // Gets must hit: every key they may ask for is written once first.
            if (s.Mix.Includes(OperationKind.Get)) await PreloadAsync(target, s.Keys, value, failures);

            await RunCallersAsync(target, s, value, s.Warmup, recorders: null, failures);
            var recorders = new LatencyRecorder[s.Callers, Enum.GetValues<OperationKind>().Length];
            for (var c = 0; c < s.Callers; c++)
                foreach (var kind in Enum.GetValues<OperationKind>()) recorders[c, (int)kind] = new LatencyRecorder();

            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await RunCallersAsync(target, s, value, s.Duration, recorders, failures);
            clock.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

            Report(s, recorders, failures, clock.Elapsed, cpu);
            return failures.Total == 0 ? 0 : 1;
        }
    }

    private static async Task PreloadAsync(ILoadTarget target, int keys, byte[] value, FailureCounter failures)
    {
        var clock = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, PreloadCallers).Select(async c =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < keys)
            {
                try
                {
                    await target.SetAsync(c, Key(i), value);
                }
                catch (Exception e) when (target.IsFailure(e))
                {
                    failures.Record(OperationKind.Set, e);
                }
            }
        }));
        Console.WriteLine($"preloaded {keys} keys in {clock.Elapsed.TotalSeconds:F1}s ({keys / clock.Elapsed.TotalSeconds:F0} sets/s, {PreloadCallers} callers)");
    }

    private static Task RunCallersAsync(
        ILoadTarget target, LoadSettings s, byte[] value, TimeSpan duration, LatencyRecorder[,]? recorders, FailureCounter failures)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return Task.WhenAll(Enumerable.Range(0, s.Callers).Select(async c =>
        {
            var random = new Random(c);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var kind = s.Mix.Next(random);
                var key = Key(random.Next(s.Keys));
                var start = Stopwatch.GetTimestamp();
                try
                {
                    if (kind == OperationKind.Get) await target.GetAsync(c, key);
                    else await target.SetAsync(c, key, value);
                    recorders?[c, (int)kind].Record(start);
                }
                catch (Exception e) when (target.IsFailure(e))
                {
                    // A failed call is counted, not timed: its latency would mix timeouts into the percentiles.
                    failures.Record(kind, e);
                }
            }
        }));
    }

    private static void Report(LoadSettings s, LatencyRecorder[,] recorders, FailureCounter failures, TimeSpan elapsed, TimeSpan cpu)
    {
        Console.WriteLine($"{s.Target} load: {s.Callers} callers over {s.Connections} connection(s) to {s.Server}, {s.Keys} keys, " +
                          $"{s.ValueSize}-byte values, mix {s.Mix}, {elapsed.TotalSeconds:F1}s after {s.Warmup.TotalSeconds:F0}s warm-up");
        var rows = new List<string> { "op,ops_per_s,p50_ms,p99_ms,p999_ms,max_ms,count,failures" };
        long total = 0;
        foreach (var kind in s.Mix.Kinds)
        {
            var merged = LatencyRecorder.Merge(Enumerable.Range(0, s.Callers).Select(c => recorders[c, (int)kind]));
            var rate = merged.Count / elapsed.TotalSeconds;
            total += merged.Count;
            var name = kind.ToString().ToLowerInvariant();
            Console.WriteLine($"  {name}: {rate:F0} ops/s; {merged.Summary()}; failures {failures.Of(kind)}");
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"{name},{rate:F0},{merged.PercentileMs(50):F3},{merged.PercentileMs(99):F3},{merged.PercentileMs(99.9):F3},{merged.MaxMs:F3},{merged.Count},{failures.Of(kind)}"));
        }

        Console.WriteLine($"  total: {total / elapsed.TotalSeconds:F0} ops/s; failures (all phases): {failures.Summary()}");
        // The client shares the machine with the server; its CPU per call shows what the load generator itself costs.
        Console.WriteLine($"  client CPU {cpu.TotalMicroseconds / Math.Max(1, total):F1} µs per call (this process, user+system)");
        if (s.CsvPath is not null) File.WriteAllLines(s.CsvPath, rows);
    }

    private static string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"key:{i:D8}");
}
