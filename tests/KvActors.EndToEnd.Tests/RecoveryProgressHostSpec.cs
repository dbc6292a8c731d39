using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// The real kv-server, restarted on a journal with no snapshot, says how far its recovery got while it replays:
/// percent of the journal, sequence, keys and rate, every <c>kv.progress-every</c> (5 s by default; 20 ms here, so a
/// recovery of a fraction of a second shows several lines).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class RecoveryProgressHostSpec
{
    private const int Keys = 100_000;
    private const int KeysPerCommand = 1_000;

    [Fact]
    public async Task Host_should_log_percent_keys_and_rate_while_a_partition_recovers()
    {
        using var data = new TempDirectory("kvactors-progress");
        using (var writer = await HostProcess.StartServingAsync(data.Path, "--snapshot-every", "100000000"))
        {
            await using var client = await RawRespClient.ConnectAsync(IPEndPoint.Parse(writer.RespEndpoint));
            for (var first = 0; first < Keys; first += KeysPerCommand)
            {
                var words = new List<string> { "MSET" };
                for (var i = first; i < first + KeysPerCommand; i++) words.AddRange([$"key{i}", $"value{i}"]);
                Assert.Equal("+OK\r\n", await client.CallAsync([.. words]));
            }

            writer.Kill();
        }

        var config = Path.Combine(data.Path, "progress.conf");
        await File.WriteAllTextAsync(config,
            await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(HostProcess.ServerDll)!, "hocon", "kv.conf")) +
            "\nkv.progress-every = 20ms\n");
        using var host = await HostProcess.StartServingAsync(data.Path, "--snapshot-every", "100000000", "--config", config);

        var recovered = RecoveredLine().Match(host.Output);
        Assert.True(recovered.Success, host.Output);
        var journalEnd = long.Parse(recovered.Groups["sequence"].Value, CultureInfo.InvariantCulture);
        var progress = ProgressLine().Matches(host.Output);
        Assert.True(progress.Count >= 2, "expected progress lines:\n" + host.Output);
        int lastPercent = -1, lastKeys = -1;
        foreach (Match line in progress)
        {
            var percent = Number(line, "percent");
            var keys = Number(line, "keys");
            Assert.InRange(percent, Math.Max(lastPercent, 0), 100);
            Assert.True(keys >= lastKeys, line.Value);
            Assert.Equal(journalEnd, Number(line, "end"));
            // The percent is the sequence's share of the journal.
            Assert.Equal(Math.Floor(100.0 * Number(line, "sequence") / journalEnd), percent);
            (lastPercent, lastKeys) = ((int)percent, (int)keys);
        }

        Assert.True(host.Output.IndexOf("serving at", StringComparison.Ordinal) > progress[^1].Index, host.Output);
    }

    private static long Number(Match match, string group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Partition 0 recovering: (?<percent>\d+)% of the journal after the snapshot \(sequence (?<sequence>\d+) of (?<end>\d+)\), (?<keys>\d+) keys, \d+ changes replayed \(\d+ changes/s\)")]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"Partition 0 recovered in [0-9.]+s: \d+ keys at revision \d+ \(journal sequence (?<sequence>\d+)")]
    private static partial Regex RecoveredLine();
}
