using KvActors.Charts;

// kv-charts CSV PNG: draws the concurrency sweep (bench/concurrency-sweep.sh) for docs/benchmarks.md.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: kv-charts SWEEP.csv OUTPUT.png");
    return 2;
}

var points = SweepPoint.Load(args[0]);
if (points.Count == 0)
{
    Console.Error.WriteLine($"kv-charts: {args[0]} has no rows");
    return 1;
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[1]))!);
ConcurrencyChart.Save(points, args[1]);
Console.WriteLine($"wrote {args[1]} ({points.Count} points)");
return 0;
