using System.CommandLine;
using KvActors.Bench;
using KvActors.Client;
using KvActors.Server;

// kv-bench: measurements quoted in issue notes and docs/benchmarks.md. Always run with -c Release.
var callers = new Option<int>("--callers") { Description = "Concurrent callers", DefaultValueFactory = _ => 64 };
var seconds = new Option<int>("--seconds") { Description = "Measured duration in seconds, after the warm-up", DefaultValueFactory = _ => 10 };
var valueSize = new Option<int>("--value-size") { Description = "Value size in bytes", DefaultValueFactory = _ => 100 };
var keys = new Option<int>("--keys") { Description = "Distinct keys", DefaultValueFactory = _ => 100_000 };
var durability = new Option<string>("--durability") { Description = "process or fsync", DefaultValueFactory = _ => "process" };
var snapshotEvery = new Option<int>("--snapshot-every") { Description = "Snapshot interval in events", DefaultValueFactory = _ => 50_000 };

var writes = new Command("store-writes", "Durable Set throughput and latency against an in-process store")
{
    callers, seconds, valueSize, keys, durability,
};
writes.SetAction((r, _) => StoreBenchmarks.WritesAsync(r.GetValue(callers), TimeSpan.FromSeconds(r.GetValue(seconds)),
    r.GetValue(valueSize), r.GetValue(keys), ServerSettings.ParseDurability(r.GetValue(durability)!)));

var restart = new Command("restart", "Load keys, stop, and time until the restarted store serves again") { keys, valueSize, snapshotEvery };
restart.SetAction((r, _) => StoreBenchmarks.RestartAsync(r.GetValue(keys), r.GetValue(valueSize), r.GetValue(snapshotEvery)));

var server = new Option<string>("--server") { Description = "kv-server remoting address HOST:PORT, or etcd's URL with --target etcd; several, comma-separated, take the connections in turn", Required = true };
var target = new Option<string>("--target") { Description = "native (kv-server over Akka.Remote) or etcd (gRPC)", DefaultValueFactory = _ => "native" };
target.AcceptOnlyFromAmong("native", "etcd");
var connections = new Option<int>("--connections") { Description = "Client instances (remoting connections or gRPC channels) the callers share", DefaultValueFactory = _ => 1 };
var mix = new Option<string?>("--mix") { Description = "Operation weights, e.g. get:90,set:10 (default get:90,set:10)" };
var readsPercent = new Option<int?>("--reads-percent") { Description = "Shorthand for --mix get:N,set:(100-N)" };
var warmup = new Option<int>("--warmup") { Description = "Unmeasured seconds before the measurement", DefaultValueFactory = _ => 2 };
var csv = new Option<string?>("--csv") { Description = "Also write one CSV row per operation kind to this file" };
var load = new Command("load", "Closed-loop load against a separate kv-server over Akka.Remote (KvClient), or etcd; exits 1 if any call failed")
{
    target, server, callers, connections, keys, valueSize, mix, readsPercent, seconds, warmup, csv,
};
load.SetAction(async (r, _) =>
{
    try
    {
        if (r.GetValue(mix) is not null && r.GetValue(readsPercent) is not null) throw new ArgumentException("give --mix or --reads-percent, not both");
        var operations = r.GetValue(readsPercent) is { } percent
            ? OperationMix.FromReadsPercent(percent)
            : OperationMix.Parse(r.GetValue(mix) ?? "get:90,set:10");
        return await ClosedLoopLoad.RunAsync(new LoadSettings(r.GetValue(target)!, r.GetValue(server)!, r.GetValue(callers), r.GetValue(connections), r.GetValue(keys),
            r.GetValue(valueSize), operations, TimeSpan.FromSeconds(r.GetValue(seconds)), TimeSpan.FromSeconds(r.GetValue(warmup)), r.GetValue(csv)));
    }
    catch (Exception e) when (e is ArgumentException or KvUnavailableException or UriFormatException)
    {
        // A bad option or an unreachable server: one line, not a stack trace.
        Console.Error.WriteLine($"kv-bench load: {e.Message}");
        return 2;
    }
});

var root = new RootCommand("KvActors benchmarks") { writes, restart, load };
return await root.Parse(args).InvokeAsync();
