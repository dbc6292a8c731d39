using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvActors.Cli;
using KvActors.Client;
using KvActors.EndToEnd.Tests.Infrastructure;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// The built <c>kv</c> executable, run as a process, against a real kv-server process. One server serves the whole
/// class (specs run one after another and use keys of their own); an in-process <see cref="KvClient"/> seeds and
/// checks what the tool wrote, so no spec trusts the tool to check itself.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class CliEndToEndSpec(CliEndToEndSpec.Server server) : IClassFixture<CliEndToEndSpec.Server>
{
    // Runs side by side on a loaded two-core machine may take a while to connect; the default 5 s is for people.
    private static readonly string[] Patient = ["--timeout", "20s"];

    [Fact]
    public async Task Kv_should_write_read_and_refuse_failed_conditions_with_exit_1()
    {
        var set = await Kv("set", "basic:k", "v");
        var revision = AssertRevisionLine(set);
        await AssertStoredAsync("basic:k", "v", revision);

        // These change nothing, so they run side by side: each run is mostly the start-up of a process.
        var (get, missing, create, mismatch) = await (
            Kv("get", "basic:k"),
            Kv("get", "basic:missing"),
            Kv("create", "basic:k", "x"),
            Kv("set", "basic:k", "v2", "--expect-revision", "999"));
        AssertRun(get, ExitCodes.Success);
        Assert.Equal("v"u8.ToArray(), get.Stdout); // the raw bytes, no newline added
        AssertRun(missing, ExitCodes.NotFoundOrConditionFailed, "", "kv: key 'basic:missing' not found\n");
        AssertRun(create, ExitCodes.NotFoundOrConditionFailed, "", $"kv: key 'basic:k' already exists at revision {revision}\n");
        AssertRun(mismatch, ExitCodes.NotFoundOrConditionFailed, "", $"kv: key 'basic:k' is at revision {revision}, expected revision 999\n");
        await AssertStoredAsync("basic:k", "v", revision);

        var deletion = AssertRevisionLine(await Kv("del", "basic:k"));
        Assert.True(deletion > revision, $"deletion at {deletion}, set at {revision}");
        AssertRun(await Kv("exists", "basic:k"), ExitCodes.NotFoundOrConditionFailed, "false\n");
        Assert.False(await server.Client.ExistsAsync("basic:k"));
    }

    [Fact]
    public async Task Kv_should_store_values_from_stdin_and_from_a_file_byte_for_byte()
    {
        var everyByte = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        // Larger than a pipe buffer, so the tool has to read and write it in pieces.
        var large = new byte[200_000];
        new Random(42).NextBytes(large);
        everyByte.CopyTo(large, 0);
        using var files = new TempDirectory("kvactors-e2e-cli");
        var path = Path.Combine(files.Path, "value.bin");
        await File.WriteAllBytesAsync(path, large);

        var (fromStdin, fromFile) = await (
            CliProcess.RunAsync(["--server", server.Endpoint, .. Patient, "set", "bin:stdin"], stdin: everyByte),
            Kv("set", "bin:file", "--file", path));
        AssertRevisionLine(fromStdin);
        AssertRevisionLine(fromFile);
        Assert.Equal(everyByte, (await server.Client.GetAsync("bin:stdin")).Value);
        Assert.Equal(large, (await server.Client.GetAsync("bin:file")).Value);

        var (get, getLarge) = await (Kv("get", "bin:stdin"), Kv("get", "bin:file"));
        AssertRun(get, ExitCodes.Success);
        Assert.Equal(everyByte, get.Stdout);
        AssertRun(getLarge, ExitCodes.Success);
        Assert.Equal(large, getLarge.Stdout);
    }

    [Fact]
    public async Task Kv_should_print_json_that_System_Text_Json_parses()
    {
        const string text = "héllo \"wörld\"\n";
        var readRevision = await server.Client.SetAsync("json:read", text);
        var doomedRevision = await server.Client.SetAsync("json:doomed", "x");

        // Each run has a key of its own, so they run side by side.
        var (setRun, getRun, existsRun, deleteRun) = await (
            Kv("--json", "set", "json:written", text),
            Kv("get", "json:read", "--json"),
            Kv("--json", "exists", "json:read"),
            Kv("--json", "del", "json:doomed"));

        using (var set = ParseJsonLine(setRun))
        {
            var written = await server.Client.GetAsync("json:written");
            Assert.Equal(written.Revision, set.RootElement.GetProperty("revision").GetInt64());
            Assert.Equal(text, written.ToUtf8String());
        }

        using (var get = ParseJsonLine(getRun))
        {
            Assert.Equal("json:read", get.RootElement.GetProperty("key").GetString());
            Assert.Equal(text, get.RootElement.GetProperty("value").GetString());
            Assert.Equal(readRevision, get.RootElement.GetProperty("revision").GetInt64());
            Assert.False(get.RootElement.TryGetProperty("encoding", out _));
        }

        using (var exists = ParseJsonLine(existsRun))
            Assert.True(exists.RootElement.GetProperty("exists").GetBoolean());

        using (var deleted = ParseJsonLine(deleteRun))
            Assert.True(deleted.RootElement.GetProperty("revision").GetInt64() > doomedRevision);
        Assert.False(await server.Client.ExistsAsync("json:doomed"));
    }

    [Fact]
    public async Task Kv_should_scan_a_prefix_in_key_order()
    {
        // Written out of order, with neighbours just outside the prefix on both sides.
        string[] keys = ["scan:b", "scan", "scan:c/1", "scam:z", "scan:B", "scan;x", "scan:a"];
        var revisions = new Dictionary<string, long>();
        foreach (var key in keys) revisions[key] = await server.Client.SetAsync(key, $"value of {key}");
        string[] expected = ["scan:B", "scan:a", "scan:b", "scan:c/1"];

        var (scan, jsonScan) = await (Kv("scan", "scan:"), Kv("--json", "scan", "scan:"));

        AssertRun(scan, ExitCodes.Success, string.Concat(expected.Select(k => $"{k}\t{revisions[k]}\n")));
        using var json = ParseJsonLine(jsonScan);
        var entries = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(expected, entries.Select(e => e.GetProperty("key").GetString()));
        Assert.Equal(expected.Select(k => $"value of {k}"), entries.Select(e => e.GetProperty("value").GetString()));
        Assert.Equal(expected.Select(k => revisions[k]), entries.Select(e => e.GetProperty("revision").GetInt64()));
    }

    [Fact]
    public async Task Kv_should_show_the_keys_and_the_revision_in_stats()
    {
        var before = await server.Client.GetStatsAsync();
        var revision = await server.Client.SetAsync($"stats:{Guid.NewGuid():N}", "v");

        var (text, jsonStats) = await (Kv("stats"), Kv("--json", "stats"));
        AssertRun(text, ExitCodes.Success);
        var lines = text.StdoutText.Split('\n');
        Assert.Contains($"keys: {before.Keys + 1}", lines);
        Assert.Contains($"revision: {revision}", lines);

        using var json = ParseJsonLine(jsonStats);
        Assert.Equal(before.Keys + 1, json.RootElement.GetProperty("keys").GetInt64());
        Assert.Equal(revision, json.RootElement.GetProperty("revision").GetInt64());
        Assert.Equal(server.DataDirectory, json.RootElement.GetProperty("dataDirectory").GetString());
        Assert.Contains($"data dir: {server.DataDirectory}", lines);
        Assert.True(json.RootElement.GetProperty("journalSequenceNr").GetInt64() >= revision);
    }

    [Fact]
    public async Task Kv_should_find_the_server_in_KV_SERVER_unless_server_is_given()
    {
        var environment = new Dictionary<string, string?> { ["KV_SERVER"] = server.Endpoint };
        var revision = AssertRevisionLine(await CliProcess.RunAsync([.. Patient, "set", "env:k", "from the environment"], environment: environment));
        // Checked on our server: a stray server on the default 127.0.0.1:4053 must not make this pass.
        Assert.Equal(revision, (await server.Client.GetAsync("env:k")).Revision);

        // --server wins over KV_SERVER.
        var nowhere = new Dictionary<string, string?> { ["KV_SERVER"] = $"127.0.0.1:{FreePort.Find()}" };
        AssertRun(await CliProcess.RunAsync(["--server", server.Endpoint, .. Patient, "get", "env:k"], environment: nowhere),
            ExitCodes.Success, "from the environment");
    }

    [Fact]
    public async Task Kv_shell_should_run_piped_commands_and_print_their_replies()
    {
        var script = """
            set shell:k "hello world"
            get shell:k
            create shell:k again
            exists shell:k
            quit
            set shell:after-quit x

            """;

        var run = await CliProcess.RunAsync(["--server", server.Endpoint, .. Patient, "shell"], stdin: Encoding.UTF8.GetBytes(script));

        var revision = (await server.Client.GetAsync("shell:k")).Revision;
        AssertRun(run, ExitCodes.Success, $"{revision}\nhello world\ntrue\n", $"(error) key 'shell:k' already exists at revision {revision}\n");
        Assert.Equal("hello world", (await server.Client.GetAsync("shell:k")).ToUtf8String());
        Assert.False(await server.Client.ExistsAsync("shell:after-quit"));
    }

    [Fact]
    public async Task Kv_should_exit_2_with_one_line_on_stderr_when_the_server_is_not_running()
    {
        var port = FreePort.Find();

        // The run is killed (and the spec fails) if it takes 10 s.
        var run = await CliProcess.RunAsync(["--server", $"127.0.0.1:{port}", "get", "k"], timeout: TimeSpan.FromSeconds(10));

        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.EndsWith("\n", run.Stderr);
        Assert.StartsWith($"kv: server akka.tcp://kv@127.0.0.1:{port}/user/kv is unreachable (", line);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(10), $"took {run.Elapsed}");
    }

    private async Task AssertStoredAsync(string key, string value, long revision)
    {
        var stored = await server.Client.GetAsync(key);
        Assert.Equal((value, revision), (stored.ToUtf8String(), stored.Revision));
    }

    private Task<CliRun> Kv(params string[] args) => CliProcess.RunAsync(["--server", server.Endpoint, .. Patient, .. args]);

    private static void AssertRun(CliRun run, int exitCode, string? stdout = null, string stderr = "")
    {
        Assert.True(run.ExitCode == exitCode, $"expected exit {exitCode}: {run}");
        if (stdout is not null) Assert.Equal(stdout, run.StdoutText);
        Assert.Equal(stderr, run.Stderr);
    }

    /// <summary>A write's output: exit 0 and the new revision on one line.</summary>
    private static long AssertRevisionLine(CliRun run)
    {
        AssertRun(run, ExitCodes.Success);
        Assert.Matches(RevisionLine(), run.StdoutText);
        return long.Parse(run.StdoutText.AsSpan().TrimEnd('\n'), provider: System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>One JSON document on one line.</summary>
    private static JsonDocument ParseJsonLine(CliRun run, int exitCode = ExitCodes.Success)
    {
        AssertRun(run, exitCode);
        Assert.EndsWith("\n", run.StdoutText);
        Assert.DoesNotContain('\n', run.StdoutText[..^1]);
        return JsonDocument.Parse(run.Stdout);
    }

    [GeneratedRegex(@"^[1-9][0-9]*\n$")]
    private static partial Regex RevisionLine();

    /// <summary>One kv-server process on a temporary data directory, and a client of it, for the whole class.</summary>
    public sealed class Server() : ServedHostFixture("kvactors-e2e-cli", TimeSpan.FromSeconds(10));
}
