using System.Diagnostics;
using System.Text.RegularExpressions;
using KvActors.EndToEnd.Tests.Infrastructure;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>The real kv-server's log: one line per event, one timestamp, quiet about clients, one-line refusals.</summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class LoggingHostSpec
{
    [Fact]
    public async Task Host_log_should_be_one_timestamped_line_per_event_and_quiet_about_clients()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using var host = await HostProcess.StartServingAsync(data.Path);

        for (var i = 0; i < 3; i++)
        {
            var run = await CliProcess.RunAsync(["--server", host.Endpoint, "set", $"k{i}", "v"]);
            Assert.Equal(0, run.ExitCode);
        }

        // A client that dies without a goodbye (kill -9) is what made Akka.Remote log a WARN with a stack trace.
        var before = Count(host.Output, "Connected: akka.tcp://kv-client@");
        using (var shell = StartShell(host.Endpoint))
        {
            await Eventually.TrueAsync(() => Count(host.Output, "Connected: akka.tcp://kv-client@") > before, TimeSpan.FromSeconds(30));
            shell.Kill(entireProcessTree: true);
            await shell.WaitForExitAsync();
        }

        await Eventually.TrueAsync(() => Count(host.Output, "Disconnected: akka.tcp://kv-client@") >= Count(host.Output, "Connected: akka.tcp://kv-client@"), TimeSpan.FromSeconds(30));

        var lines = host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(lines, line =>
        {
            Assert.Matches(LogLine(), line);
            Assert.DoesNotMatch(SecondTimestamp(), line[12..]);
        });
        Assert.DoesNotContain(lines, line => line.Contains(" WARN ") || line.Contains(" ERROR "));
        Assert.DoesNotContain("EndpointDisassociatedException", host.Output);
        Assert.DoesNotContain("Removing receive buffers", host.Output);
        Assert.DoesNotContain("   at ", host.Output);
        // One line per connection and one per disconnection, whatever Akka.Remote does underneath.
        var connected = lines.Where(l => l.Contains("Connected: ")).Select(l => l[(l.IndexOf("Connected: ", StringComparison.Ordinal) + 11)..]).ToArray();
        var disconnected = lines.Where(l => l.Contains("Disconnected: ")).Select(l => l[(l.IndexOf("Disconnected: ", StringComparison.Ordinal) + 14)..]).ToArray();
        Assert.Equal(connected.Length, connected.Distinct().Count());
        Assert.Equal(disconnected.Length, disconnected.Distinct().Count());
        Assert.Equal(connected.Order(), disconnected.Order());
    }

    [Fact]
    public async Task Host_should_refuse_a_wrong_partition_count_in_one_line()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using (var first = await HostProcess.StartServingAsync(data.Path)) first.Kill();

        using var second = HostProcess.Start("--port", "0", "--data-dir", data.Path, "--partitions", "4");

        Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var refusals = second.Output.Split('\n').Where(l => l.StartsWith("kv-server: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["kv-server: the data in " + data.Path + " was created with 1 partition, not 4; start with --partitions 1 (the count cannot change: keys are placed by it)"],
            refusals.Select(r => r.TrimEnd()).ToArray());
        Assert.DoesNotContain("   at ", second.Output);
        Assert.DoesNotContain("crit", second.Output);
        Assert.DoesNotContain("fail:", second.Output);
        Assert.DoesNotContain("Unable to start", second.Output);
        Assert.DoesNotContain(" ERROR ", second.Output);
    }

    [Fact]
    public async Task Host_should_take_its_log_level_from_the_flag_and_the_environment()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using (var debug = await HostProcess.StartServingAsync(data.Path, "--log-level", "debug"))
        {
            Assert.Contains(" DEBUG ", debug.Output);
            await using var front = new RemoteFront(debug.Endpoint);
            Assert.IsType<KvActors.Protocol.Written>(await front.AskAsync(new KvActors.Protocol.Set("k", "v"u8.ToArray()), TimeSpan.FromSeconds(10)));
        }

        // At ERROR the server logs nothing while it starts and serves; a RESP client's answer shows that it serves.
        var respPort = FreePort.Find();
        using var quiet = HostProcess.Start(new Dictionary<string, string> { ["KV_LOG_LEVEL"] = "error" },
            "--port", "0", "--data-dir", data.Path, "--resp-port", respPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Eventually.AssertAsync(async () =>
        {
            await using var redis = await RawRespClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, respPort));
            Assert.Equal("$1\r\nv\r\n", await redis.CallAsync("GET", "k"));
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.Equal("", quiet.Output.Trim());
        quiet.Kill();

        using var wrong = HostProcess.Start(new Dictionary<string, string> { ["KV_LOG_LEVEL"] = "loud" }, "--port", "0", "--data-dir", data.Path);
        Assert.Equal(1, await wrong.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("kv-server: --log-level must be debug, info, warning, error or off, not 'loud'", wrong.Output.Trim());
    }

    private static Process StartShell(string endpoint)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliProcess.KvDll);
        info.ArgumentList.Add("--server");
        info.ArgumentList.Add(endpoint);
        info.ArgumentList.Add("shell");
        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int Count(string text, string part) => Regex.Matches(text, Regex.Escape(part)).Count;

    [GeneratedRegex(@"^(\d\d:\d\d:\d\d\.\d{3} (DEBUG|INFO |WARN |ERROR) \S.*|kv-server: .*)$")]
    private static partial Regex LogLine();

    [GeneratedRegex(@"\d\d:\d\d:\d\d")]
    private static partial Regex SecondTimestamp();
}
