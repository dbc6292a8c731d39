using System.CommandLine;
using KvActors.Bench;
using KvActors.Server;

// kv-bench: measurements quoted in issue notes and docs/benchmarks.md. Always run with -c Release.
var callers = new Option<int>("--callers") { Description = "Concurrent callers", DefaultValueFactory = _ => 64 };
var seconds = new Option<int>("--seconds") { Description = "Measured duration (after 2 s warm-up)", DefaultValueFactory = _ => 10 };
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

var root = new RootCommand("KvActors benchmarks") { writes, restart };
return await root.Parse(args).InvokeAsync();
