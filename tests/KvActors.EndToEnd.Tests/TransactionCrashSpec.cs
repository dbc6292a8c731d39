using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KvActors.Server.Partitioning;
using KvActors.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// MULTI/EXEC is atomic across kill -9. The real kv-server with <c>--partitions 16</c> (snapshots every 50 events, so
/// kills also land in snapshots and compactions) is killed with SIGKILL again and again and restarted on the same data
/// directory, while one writer per hash tag loops <c>MULTI; SET {t}x i; SET {t}y i; SET {t}z i; EXEC</c> over RESP
/// (each tag's three keys share a partition) and a reader loops <c>MULTI; GET ×3; EXEC</c>. After every restart each
/// tag's x, y and z must be equal, and equal to the last acknowledged i or to the one transaction in flight at the
/// kill; the reader must never see them differ. Every cycle also checks that a MULTI over keys of two partitions is
/// refused with CROSSSLOT and applies nothing.
/// CI runs <see cref="CiKills"/> kills; <c>KV_TEST_TXN_KILLS=50</c> runs a long one (<c>KV_TEST_TXN_SEED</c> changes
/// the kill moments).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TransactionCrashSpec(ITestOutputHelper output)
{
    private const int CiKills = 5;
    private const string CrossSlot = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";
    private const string Committed = "*3\r\n+OK\r\n+OK\r\n+OK\r\n";
    private static readonly PartitionMap Map = new(16);
    private static readonly string[] Tags = ["t", "u"];

    // Keys of two partitions for the transaction that must be refused; nothing ever writes them.
    private const string Apart1 = "x";
    private const string Apart2 = "y";

    [Fact]
    public async Task Host_should_never_tear_a_transaction_across_repeated_kill_minus_9()
    {
        var kills = Setting("KV_TEST_TXN_KILLS", CiKills);
        var seed = Setting("KV_TEST_TXN_SEED", 1313);
        var random = new Random(seed);
        foreach (var tag in Tags) Assert.Single(KeysOf(tag).Select(Map.PartitionOf).Distinct());
        Assert.NotEqual(Map.PartitionOf(Apart1), Map.PartitionOf(Apart2));

        using var data = new TempDirectory("kvactors-txn-crash");
        var writers = Tags.ToDictionary(tag => tag, tag => new TagWriter(tag));
        var problems = new List<string>();
        int inFlightAtKill = 0, landed = 0, refused = 0;
        long reads = 0;
        var elapsed = Stopwatch.StartNew();

        for (var cycle = 0; cycle <= kills; cycle++)
        {
            using var host = await HostProcess.StartServingAsync(data.Path, "--partitions", "16", "--snapshot-every", "50");
            var resp = IPEndPoint.Parse(host.RespEndpoint);
            await using (var check = await RawRespClient.ConnectAsync(resp))
            {
                foreach (var writer in writers.Values)
                {
                    var values = await ReadAsync(check, writer.Tag);
                    var value = values[0];
                    if (values.Distinct().Count() != 1) problems.Add($"restart {cycle}: {writer.Tag} torn: {string.Join(" ", values)}");
                    else if (value < writer.Acknowledged || value > writer.Sent)
                        problems.Add($"restart {cycle}: {writer.Tag} = {value}, but {writer.Acknowledged} was acknowledged and {writer.Sent} the last sent");
                    if (writer.Sent > writer.Acknowledged) inFlightAtKill++;
                    if (value > writer.Acknowledged) landed++;
                    writer.Restart(Math.Max(value, writer.Acknowledged));
                }

                Assert.Equal("*2\r\n$-1\r\n$-1\r\n", await check.CallAsync("MGET", Apart1, Apart2));
                Assert.Equal("+OK\r\n", await check.CallAsync("MULTI"));
                Assert.Equal("+QUEUED\r\n", await check.CallAsync("SET", Apart1, $"{cycle}"));
                Assert.Equal("+QUEUED\r\n", await check.CallAsync("SET", Apart2, $"{cycle}"));
                Assert.Equal(CrossSlot, await check.CallAsync("EXEC"));
                Assert.Equal("*2\r\n$-1\r\n$-1\r\n", await check.CallAsync("MGET", Apart1, Apart2));
                refused++;
            }

            if (cycle == kills) break;

            var connections = new List<RawRespClient>();
            foreach (var _ in Tags.Append("reader")) connections.Add(await RawRespClient.ConnectAsync(resp));
            var reader = new TagReader();
            var before = writers.Values.Sum(w => w.Acknowledged);
            var runs = writers.Values.Select((w, i) => Task.Run(() => w.RunAsync(connections[i])))
                .Append(Task.Run(() => reader.RunAsync(connections[^1], Tags)))
                .ToArray();

            // Kill after a random number of acknowledged transactions: at a random point of the snapshot rhythm.
            var killAfter = before + random.Next(10, 200);
            await Eventually.TrueAsync(() => writers.Values.Sum(w => w.Acknowledged) >= killAfter || runs.Any(r => r.IsCompleted),
                TimeSpan.FromSeconds(60));
            host.Kill();
            await Task.WhenAll(runs);
            foreach (var connection in connections) await connection.DisposeAsync();
            problems.AddRange(writers.Values.SelectMany(w => w.TakeProblems()).Concat(reader.Problems).Select(p => $"cycle {cycle}: {p}"));
            reads += reader.Reads;
            Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + host.Output);
        }

        var acknowledged = writers.Values.Sum(w => w.AcknowledgedTotal);
        output.WriteLine(
            $"transaction crash test (seed {seed}): {kills} kill -9 cycles in {elapsed.Elapsed.TotalSeconds:F0}s; {acknowledged} acknowledged " +
            $"transactions, {inFlightAtKill} in flight at a kill ({landed} of them landed whole), {reads} transactional reads, " +
            $"{problems.Count} torn or lost; {refused} cross-partition transactions refused with CROSSSLOT");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(acknowledged >= kills * 10, $"only {acknowledged} transactions were acknowledged");
    }

    private static string[] KeysOf(string tag) => [$"{{{tag}}}x", $"{{{tag}}}y", $"{{{tag}}}z"];

    // MULTI; GET x; GET y; GET z; EXEC, in one send: a snapshot of the three keys (0 for a missing key).
    private static async Task<long[]> ReadAsync(RawRespClient client, string tag)
    {
        var keys = KeysOf(tag);
        await client.SendAsync([.. RawRespClient.Encode("MULTI"), .. RawRespClient.Encode("GET", keys[0]), .. RawRespClient.Encode("GET", keys[1]),
            .. RawRespClient.Encode("GET", keys[2]), .. RawRespClient.Encode("EXEC")]);
        for (var i = 0; i < 4; i++) await client.ReadReplyAsync();
        return ParseValues(await client.ReadReplyAsync());
    }

    private static long[] ParseValues(string exec)
    {
        var lines = exec.Split("\r\n");
        if (lines[0] != "*3") throw new InvalidDataException($"EXEC answered {exec}");
        var values = new List<long>();
        for (var i = 1; values.Count < 3; i++)
        {
            if (lines[i] == "$-1") values.Add(0);
            else values.Add(long.Parse(lines[++i]));
        }

        return values.ToArray();
    }

    private static bool ServerGone(Exception e) =>
        e is IOException or SocketException or EndOfStreamException or ObjectDisposedException or OperationCanceledException;

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value > 0 ? value : fallback;

    /// <summary>One tag's writer: one transaction in flight at a time, so at a kill at most one is unacknowledged.</summary>
    private sealed class TagWriter(string tag)
    {
        private readonly List<string> _problems = [];
        private long _acknowledged;

        public string Tag { get; } = tag;

        public long Acknowledged => Interlocked.Read(ref _acknowledged);

        public long Sent { get; private set; }

        public long AcknowledgedTotal { get; private set; }

        public void Restart(long value)
        {
            Interlocked.Exchange(ref _acknowledged, value);
            Sent = value;
        }

        public IEnumerable<string> TakeProblems()
        {
            var problems = _problems.ToArray();
            _problems.Clear();
            return problems;
        }

        public async Task RunAsync(RawRespClient client)
        {
            var keys = KeysOf(Tag);
            while (true)
            {
                var i = Acknowledged + 1;
                var value = i.ToString();
                Sent = i;
                string exec;
                try
                {
                    await client.SendAsync([.. RawRespClient.Encode("MULTI"), .. RawRespClient.Encode("SET", keys[0], value),
                        .. RawRespClient.Encode("SET", keys[1], value), .. RawRespClient.Encode("SET", keys[2], value), .. RawRespClient.Encode("EXEC")]);
                    for (var reply = 0; reply < 4; reply++) await client.ReadReplyAsync();
                    exec = await client.ReadReplyAsync();
                }
                catch (Exception e) when (ServerGone(e))
                {
                    return; // killed under us: transaction i is in flight, its outcome unknown
                }

                if (exec != Committed)
                {
                    _problems.Add($"{Tag}: EXEC of {i} answered {exec.ReplaceLineEndings(" ")}");
                    return;
                }

                Interlocked.Exchange(ref _acknowledged, i);
                AcknowledgedTotal++;
            }
        }
    }

    /// <summary>Reads every tag's keys in a transaction, again and again: they must always be equal, and never go back.</summary>
    private sealed class TagReader
    {
        public List<string> Problems { get; } = [];

        public long Reads { get; private set; }

        public async Task RunAsync(RawRespClient client, IReadOnlyList<string> tags)
        {
            var last = tags.ToDictionary(t => t, _ => 0L);
            while (true)
            {
                foreach (var tag in tags)
                {
                    long[] values;
                    try
                    {
                        values = await ReadAsync(client, tag);
                    }
                    catch (Exception e) when (ServerGone(e))
                    {
                        return;
                    }

                    Reads++;
                    if (values.Distinct().Count() != 1) Problems.Add($"{tag} read torn: {string.Join(" ", values)}");
                    else if (values[0] < last[tag]) Problems.Add($"{tag} went back from {last[tag]} to {values[0]}");
                    else last[tag] = values[0];
                    if (Problems.Count > 0) return;
                }
            }
        }
    }
}
