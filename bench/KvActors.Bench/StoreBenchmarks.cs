using System.Diagnostics;
using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Server.Persistence;

namespace KvActors.Bench;

/// <summary>In-process measurements of the store: durable write throughput and restart (recovery) time.</summary>
internal static class StoreBenchmarks
{
    public static async Task<int> WritesAsync(int callers, TimeSpan duration, int valueSize, int keys, Durability durability)
    {
        using var dir = new BenchDirectory();
        await using var server = await InProcessServer.StartAsync(new ServerSettings { DataDirectory = dir.Path, Durability = durability });
        var value = new byte[valueSize];
        Random.Shared.NextBytes(value);

        await RunCallers(server.Front, callers, TimeSpan.FromSeconds(2), keys, value, null); // warm-up
        var recorders = Enumerable.Range(0, callers).Select(_ => new LatencyRecorder()).ToArray();
        var failures = new int[1];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await RunCallers(server.Front, callers, duration, keys, value, recorders, failures);
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        var all = LatencyRecorder.Merge(recorders);
        Console.WriteLine($"durable Set, {callers} in-process callers, {valueSize}-byte values, {keys} keys, durability {durability.ToString().ToLowerInvariant()}:");
        Console.WriteLine($"  {all.Count / clock.Elapsed.TotalSeconds:F0} writes/s over {clock.Elapsed.TotalSeconds:F1}s; {all.Summary()}; failures {failures[0]}");
        // CPU per write is steadier than throughput on a shared machine: it does not depend on what else runs.
        Console.WriteLine($"  CPU {cpu.TotalMicroseconds / Math.Max(1, all.Count):F1} µs per write (process user+system, callers included)");
        return failures[0] == 0 ? 0 : 1;
    }

    public static async Task<int> RestartAsync(int keys, int valueSize, int snapshotEvery)
    {
        using var dir = new BenchDirectory();
        var settings = new ServerSettings { DataDirectory = dir.Path, SnapshotEvery = snapshotEvery };
        var value = new byte[valueSize];
        Random.Shared.NextBytes(value);

        var load = Stopwatch.StartNew();
        await using (var server = await InProcessServer.StartAsync(settings))
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 256).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < keys)
                    await server.Front.Ask<Written>(new Set($"key:{i:D8}", value), TimeSpan.FromSeconds(30));
            }));
        }

        Console.WriteLine($"loaded {keys} keys of {valueSize} bytes in {load.Elapsed.TotalSeconds:F1}s; " +
                          $"journal.db {Size(dir.Path, "journal.db")}, snapshots.db {Size(dir.Path, "snapshots.db")}");

        var restart = Stopwatch.StartNew();
        await using (var server = await InProcessServer.StartAsync(settings))
        {
            var stats = await server.Front.Ask<StoreStats>(GetStats.Instance, TimeSpan.FromSeconds(30));
            restart.Stop();
            Console.WriteLine($"restart: serving again after {restart.Elapsed.TotalMilliseconds:F0} ms " +
                              $"(ActorSystem start + plugin start + recovery); {stats.Keys} keys, revision {stats.Revision}, " +
                              $"snapshot at {stats.SnapshotSequenceNr}, journal at {stats.JournalSequenceNr}");
            return stats.Keys == keys ? 0 : 1;
        }
    }

    private static Task RunCallers(
        IActorRef front, int callers, TimeSpan duration, int keys, byte[] value, LatencyRecorder[]? recorders, int[]? failures = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return Task.WhenAll(Enumerable.Range(0, callers).Select(async c =>
        {
            var random = new Random(c);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                var reply = await front.Ask<IKvReply>(new Set($"key:{random.Next(keys):D8}", value), TimeSpan.FromSeconds(30));
                if (reply is not Written && failures is not null) Interlocked.Increment(ref failures[0]);
                recorders?[c].Record(start);
            }
        }));
    }

    private static string Size(string dir, string file)
    {
        long total = 0;
        foreach (var f in Directory.GetFiles(dir, file + "*")) total += new FileInfo(f).Length;
        return $"{total / 1024.0 / 1024.0:F1} MiB";
    }
}
