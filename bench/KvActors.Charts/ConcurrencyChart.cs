using ScottPlot;

namespace KvActors.Charts;

/// <summary>Two panels side by side: throughput and p99 latency against the number of clients, one line per server and test.</summary>
internal static class ConcurrencyChart
{
    public static void Save(IReadOnlyList<SweepPoint> points, string pngPath, int width = 1400, int height = 560)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Draw(multiplot.GetPlot(0), points, p => p.OpsPerSecond, "throughput", "requests per second");
        Draw(multiplot.GetPlot(1), points, p => p.P99Ms, "p99 latency", "p99 (ms)");
        multiplot.SavePng(pngPath, width, height);
    }

    private static void Draw(Plot plot, IReadOnlyList<SweepPoint> points, Func<SweepPoint, double> y, string title, string yLabel)
    {
        foreach (var series in points.GroupBy(p => (p.Server, p.Test)).OrderBy(g => g.Key))
        {
            var ordered = series.OrderBy(p => p.Clients).ToArray();
            // Client counts span two decades: a log10 x axis keeps 1 and 4 clients apart from each other.
            var line = plot.Add.Scatter(ordered.Select(p => Math.Log10(p.Clients)).ToArray(), ordered.Select(y).ToArray());
            line.LegendText = $"{series.Key.Server} {series.Key.Test}";
            line.Color = series.Key.Server.StartsWith("KvActors", StringComparison.Ordinal) ? Colors.RoyalBlue : Colors.OrangeRed;
            var isGet = series.Key.Test.Equals("GET", StringComparison.OrdinalIgnoreCase);
            line.LinePattern = isGet ? LinePattern.Dashed : LinePattern.Solid;
            // The legend draws every line solid; the marker shape tells GET from SET there.
            line.MarkerShape = isGet ? MarkerShape.OpenSquare : MarkerShape.FilledCircle;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }

        var clients = points.Select(p => p.Clients).Distinct().Order().ToArray();
        plot.Axes.Bottom.SetTicks(clients.Select(c => Math.Log10(c)).ToArray(), clients.Select(c => c.ToString()).ToArray());
        // Both panels start at zero so heights compare as ratios.
        plot.Axes.SetLimitsX(-0.1, Math.Log10(clients[^1]) + 0.1);
        plot.Axes.SetLimitsY(0, points.Max(y) * 1.08);
        plot.Title(title);
        plot.XLabel("clients (redis-benchmark -c, -P 1; log scale)");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
    }
}
