using System.Globalization;

namespace KvActors.Charts;

/// <summary>One row of the sweep CSV: one redis-benchmark run against one server at one client count.</summary>
internal sealed record SweepPoint(string Server, string Test, int Clients, double OpsPerSecond, double P50Ms, double P99Ms)
{
    public const string Header = "server,test,clients,rps,p50_ms,p99_ms";

    public static IReadOnlyList<SweepPoint> Load(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header) throw new FormatException($"{path}: the first line must be '{Header}'");
        return lines.Skip(1).Where(l => l.Length > 0).Select((line, i) => Parse(line, $"{path}:{i + 2}")).ToArray();
    }

    private static SweepPoint Parse(string line, string where)
    {
        var f = line.Split(',');
        if (f.Length != 6) throw new FormatException($"{where}: expected 6 fields, got {f.Length}");
        try
        {
            return new SweepPoint(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), Number(f[3]), Number(f[4]), Number(f[5]));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{where}: {e.Message}", e);
        }
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
