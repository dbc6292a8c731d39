using System.Globalization;
using System.Net;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>The real kv-server's HTTP endpoint: Prometheus text on /metrics, liveness and readiness probes.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class MetricsHostSpec
{
    [Fact]
    public async Task Host_should_expose_prometheus_metrics_and_health_over_http()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using var host = await HostProcess.StartServingAsync(data.Path, "--partitions", "2");
        Assert.NotEqual("", host.HttpEndpoint);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{host.HttpEndpoint}/"), Timeout = TimeSpan.FromSeconds(20) };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/live")).StatusCode);
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/ready")).StatusCode), TimeSpan.FromSeconds(30));

        await using (var redis = await RawRespClient.ConnectAsync(IPEndPoint.Parse(host.RespEndpoint)))
        {
            for (var i = 0; i < 10; i++) Assert.Equal("+OK\r\n", await redis.CallAsync("SET", $"k{i}", "v"));
            Assert.Equal("$1\r\nv\r\n", await redis.CallAsync("GET", "k1"));
            Assert.StartsWith("-ERR", await redis.CallAsync("INCR", "k1"));
        }

        var response = await http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var samples = Parse(text);
        Assert.True(samples.Any(s => s.Name == "kvactors_requests_total"), text);

        // prometheus-net names .NET meter instruments METER_INSTRUMENT (kvactors_...), counters with _total.
        Assert.Equal(10, Sum(samples, "kvactors_requests_total", "front=\"resp\"", "command=\"set\"", "outcome=\"ok\""));
        Assert.Equal(1, Sum(samples, "kvactors_requests_total", "command=\"get\"", "outcome=\"ok\""));
        Assert.Equal(1, Sum(samples, "kvactors_requests_total", "command=\"incr\"", "outcome=\"ERR\""));
        Assert.Equal(10, Sum(samples, "kvactors_request_seconds_count", "command=\"set\""));
        Assert.Equal(10, Sum(samples, "kvactors_request_seconds_bucket", "command=\"set\"", "le=\"+Inf\""));
        Assert.True(Sum(samples, "kvactors_journal_write_seconds_count") >= 1);
        Assert.Equal(10, Sum(samples, "kvactors_journal_group_commit_changes_sum"));
        Assert.Equal(10, Sum(samples, "kvactors_partition_keys"));
        Assert.Equal(2, samples.Count(s => s.Name == "kvactors_partition_keys"));
        Assert.Equal(0, Sum(samples, "kvactors_pending_requests"));
        Assert.Equal(2, samples.Count(s => s.Name == "kvactors_partition_recovery_seconds"));
        Assert.Equal(2, Sum(samples, "kvactors_partitions_hosted", "phase=\"serving\""));
        Assert.Equal(1, Sum(samples, "kvactors_cluster_members"));
        Assert.Equal(1, Sum(samples, "kvactors_ready"));
    }

    [Fact]
    public async Task Host_should_turn_http_off_with_minus_one()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using var host = await HostProcess.StartServingAsync(data.Path, "--http-port", "-1");
        Assert.Equal("", host.HttpEndpoint);
        Assert.DoesNotContain("HTTP listening", host.Output);
    }

    private sealed record Sample(string Name, string Labels, double Value);

    // Prometheus text format: "# HELP/TYPE" comments, then "name{labels} value" or "name value".
    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#')) continue;
            var brace = line.IndexOf('{');
            var space = line.LastIndexOf(' ');
            var name = brace > 0 && brace < space ? line[..brace] : line[..line.IndexOf(' ')];
            var labels = brace > 0 && brace < space ? line[(brace + 1)..line.LastIndexOf('}')] : "";
            samples.Add(new Sample(name, labels, double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture)));
        }

        return samples;
    }

    private static double Sum(List<Sample> samples, string name, params string[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal))).Sum(s => s.Value);
}
