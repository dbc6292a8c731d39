using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KvActors.Cli;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Cli;

/// <summary>The kv tool run in-process through <see cref="KvCli.RunAsync"/>, against a real server over remoting.</summary>
public sealed class KvCliSpec(ITestOutputHelper output) : ClientTestKit(output)
{
    [Fact]
    public async Task KvCli_should_write_values_and_print_raw_bytes_and_revisions()
    {
        StartFront();

        AssertRun(await Kv("set", "greeting", "hello world"), ExitCodes.Success, "1\n");
        var get = await Kv("get", "greeting");
        AssertRun(get, ExitCodes.Success, "hello world");

        byte[] binary = [0x00, 0xFF, 0x0A, 0x80];
        AssertRun(await KvWithInput(binary, "create", "bin"), ExitCodes.Success, "2\n");
        Assert.Equal(binary, (await Kv("get", "bin")).Stdout);
        AssertRun(await Kv("--json", "get", "bin"), ExitCodes.Success,
            $$"""{"key":"bin","value":"{{Convert.ToBase64String(binary)}}","encoding":"base64","revision":2}""" + "\n");

        using var file = new TempDirectory("kvactors-cli");
        var path = Path.Combine(file.Path, "value.txt");
        await File.WriteAllTextAsync(path, "from a file\n");
        AssertRun(await Kv("update", "greeting", "--file", path), ExitCodes.Success, "3\n");
        AssertRun(await Kv("get", "greeting", "--json"), ExitCodes.Success, """{"key":"greeting","value":"from a file\n","revision":3}""" + "\n");
        AssertRun(await Kv("--json", "set", "greeting", "CAS", "--expect-revision", "3"), ExitCodes.Success, """{"revision":4}""" + "\n");
        AssertRun(await Kv("del", "greeting", "--expect-revision", "4"), ExitCodes.Success, "5\n");
        AssertRun(await Kv("exists", "bin"), ExitCodes.Success, "true\n");
    }

    [Fact]
    public async Task KvCli_should_set_a_ttl_and_report_it()
    {
        StartFront();

        AssertRun(await Kv("set", "session", "token", "--ttl", "1h"), ExitCodes.Success, "1\n");
        var ttl = int.Parse(Encoding.UTF8.GetString((await Kv("ttl", "session")).Stdout).Trim());
        Assert.InRange(ttl, 3590, 3600);
        AssertRun(await Kv("set", "plain", "v"), ExitCodes.Success, "2\n");
        AssertRun(await Kv("ttl", "plain"), ExitCodes.Success, "-1\n");
        Assert.Equal(ExitCodes.NotFoundOrConditionFailed, (await Kv("ttl", "missing")).ExitCode);
        Assert.Equal(ExitCodes.Error, (await Kv("set", "k", "v", "--ttl", "soon")).ExitCode);
    }

    [Fact]
    public async Task KvCli_should_exit_1_when_the_key_is_missing_or_a_condition_fails()
    {
        StartFront();
        await Kv("set", "k", "v");

        AssertRun(await Kv("get", "missing"), ExitCodes.NotFoundOrConditionFailed, "", "kv: key 'missing' not found\n");
        AssertRun(await Kv("--consistency", "stale", "get", "missing"), ExitCodes.NotFoundOrConditionFailed, "", "kv: key 'missing' not found\n");
        AssertRun(await Kv("create", "k", "again"), ExitCodes.NotFoundOrConditionFailed, "", "kv: key 'k' already exists at revision 1\n");
        AssertRun(await Kv("set", "k", "v2", "--expect-revision", "9"), ExitCodes.NotFoundOrConditionFailed, "",
            "kv: key 'k' is at revision 1, expected revision 9\n");
        AssertRun(await Kv("update", "missing", "v"), ExitCodes.NotFoundOrConditionFailed, "", "kv: key 'missing' not found\n");
        AssertRun(await Kv("del", "missing"), ExitCodes.NotFoundOrConditionFailed, "", "kv: key 'missing' not found\n");
        AssertRun(await Kv("exists", "missing"), ExitCodes.NotFoundOrConditionFailed, "false\n");
        AssertRun(await Kv("--json", "exists", "missing"), ExitCodes.NotFoundOrConditionFailed, """{"exists":false}""" + "\n");
    }

    [Fact]
    public async Task KvCli_should_exit_2_with_one_line_on_stderr_for_any_other_error()
    {
        StartFront();

        AssertOneErrorLine(await Kv(), "kv: Required command was not provided (see --help)");
        AssertOneErrorLine(await Kv("get"), "kv: Required argument missing for command: 'get' (see --help)");
        AssertOneErrorLine(await Kv("frobnicate", "k"), "kv: unknown command or argument 'frobnicate' (see --help)");
        AssertOneErrorLine(await Run(["--server", ServerAddress, "--timeout", "soon", "get", "k"], []),
            "kv: --timeout: 'soon' is not a duration (examples: 5s, 500ms, 1m) (see --help)");
        AssertOneErrorLine(await Kv("--consistency", "eventual", "get", "k"), "kv: --consistency must be linearizable or stale, not 'eventual' (see --help)");
        AssertOneErrorLine(await Kv("scan", "--limit", "0"), "kv: --limit: must be at least 1 (see --help)");
        AssertOneErrorLine(await Kv("set", "k", "v", "--file", "/nonexistent"), "kv: give the value as an argument or with --file, not both");
        AssertOneErrorLine(await Kv("set", "", "v"), "kv: key must not be empty");
        AssertOneErrorLine(await Kv("set", "k", "--file", "/nonexistent/value"), "kv: Could not find a part of the path '/nonexistent/value'.");
        AssertOneErrorLine(await Run(["--server", "nowhere", "get", "k"], []),
            "kv: 'nowhere' is not a server address (expected HOST:PORT, for example 127.0.0.1:4053)");
    }

    [Fact]
    public async Task KvCli_should_exit_2_within_the_timeout_when_the_server_is_not_running()
    {
        var port = FreePort.Find();
        var watch = Stopwatch.StartNew();

        var run = await Run(["--server", $"127.0.0.1:{port}", "get", "k"], []);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.StartsWith($"kv: server akka.tcp://kv@127.0.0.1:{port}/user/kv is unreachable (", run.Stderr);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task KvCli_should_scan_and_report_stats_as_text_and_json()
    {
        StartFront();
        foreach (var i in new[] { 3, 1, 2 }) await Kv("set", $"user:{i}", $"name {i}");
        await Kv("set", "other", "x");

        AssertRun(await Kv("scan", "user:"), ExitCodes.Success, "user:1\t2\nuser:2\t3\nuser:3\t1\n");
        AssertRun(await Kv("scan", "--limit", "2"), ExitCodes.Success, "other\t4\nuser:1\t2\n");
        AssertRun(await Kv("--json", "scan", "user:", "--limit", "2"), ExitCodes.Success,
            """[{"key":"user:1","value":"name 1","revision":2},{"key":"user:2","value":"name 2","revision":3}]""" + "\n");
        AssertRun(await Kv("scan", "nobody:"), ExitCodes.Success, "");

        var text = await Kv("stats");
        Assert.Equal(ExitCodes.Success, text.ExitCode);
        var lines = text.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["keys: 4", "revision: 4", "journal sequence: 4", "snapshot sequence: 0", $"data dir: {DataDirectory}"], lines[..5]);
        Assert.StartsWith("uptime: ", lines[5]);

        var json = await Kv("stats", "--json");
        using var stats = JsonDocument.Parse(json.Stdout);
        Assert.Equal(4, stats.RootElement.GetProperty("keys").GetInt64());
        Assert.Equal(4, stats.RootElement.GetProperty("revision").GetInt64());
        Assert.Equal(4, stats.RootElement.GetProperty("journalSequenceNr").GetInt64());
        Assert.Equal(0, stats.RootElement.GetProperty("snapshotSequenceNr").GetInt64());
        Assert.Equal(DataDirectory, stats.RootElement.GetProperty("dataDirectory").GetString());
        Assert.True(stats.RootElement.GetProperty("uptimeSeconds").GetDouble() > 0);
    }

    [Fact]
    public async Task KvCli_shell_should_run_piped_commands_over_one_connection()
    {
        StartFront();
        const string commands = """
            set greeting "hello world"
            GET greeting
            get greeting --json

            exists nope
            create greeting 'it''s taken'
            set k
            scan --limit 1
            history
            quit
            get greeting
            """;

        var run = await KvWithInput(Encoding.UTF8.GetBytes(commands + "\n"), "shell");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(
            """
            1
            hello world
            {"key":"greeting","value":"hello world","revision":1}
            false
            greeting	1
                1  set greeting "hello world"
                2  GET greeting
                3  get greeting --json
                4  exists nope
                5  create greeting 'it''s taken'
                6  set k
                7  scan --limit 1
                8  history

            """.ReplaceLineEndings("\n"),
            run.Text);
        Assert.Equal(
            """
            (error) key 'greeting' already exists at revision 1
            (error) a value is required: KEY VALUE or KEY --file PATH

            """.ReplaceLineEndings("\n"),
            run.Stderr);

        var json = await KvWithInput("get greeting\n"u8.ToArray(), "--json", "shell");
        AssertRun(json, ExitCodes.Success, """{"key":"greeting","value":"hello world","revision":1}""" + "\n");
    }

    private Task<CliRun> Kv(params string[] args) => KvWithInput([], args);

    // A generous timeout: the tests share two cores (see ClientTestKit.ConnectAsync).
    private Task<CliRun> KvWithInput(byte[] stdin, params string[] args) =>
        Run(["--server", ServerAddress, "--timeout", "30s", .. args], stdin);

    private static async Task<CliRun> Run(string[] args, byte[] stdin)
    {
        using var input = new MemoryStream(stdin);
        using var output = new MemoryStream();
        var error = new StringWriter { NewLine = "\n" };
        var exitCode = await KvCli.RunAsync(args, input, output, error);
        return new CliRun(exitCode, output.ToArray(), error.ToString());
    }

    private static void AssertRun(CliRun run, int exitCode, string stdout, string stderr = "")
    {
        Assert.Equal((exitCode, stdout, stderr), (run.ExitCode, run.Text, run.Stderr));
    }

    private static void AssertOneErrorLine(CliRun run, string line) => AssertRun(run, ExitCodes.Error, "", line + "\n");

    private sealed record CliRun(int ExitCode, byte[] Stdout, string Stderr)
    {
        public string Text => Encoding.UTF8.GetString(Stdout);
    }
}
