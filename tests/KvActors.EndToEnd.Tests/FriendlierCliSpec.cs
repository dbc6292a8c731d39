using System.IO.Pipes;
using System.Text;
using KvActors.Cli;
using KvActors.Client;
using KvActors.EndToEnd.Tests.Infrastructure;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// What issue 17 asked of <c>kv</c>, against the real kv-server process: the server's value limit rather than the
/// client's, counters and expiry commands, errors in words, host names, a value only from an explicit source, a
/// shell that waits for its server, a server still starting, and a cluster down that refuses a reachable member.
/// One server (with a 4 MiB value limit) serves the class; specs needing another start their own.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FriendlierCliSpec(FriendlierCliSpec.Server server) : IClassFixture<FriendlierCliSpec.Server>
{
    private const int ServerLimit = 4 * 1024 * 1024;
    private static readonly string[] Patient = ["--timeout", "20s"];

    [Fact]
    public async Task Kv_should_accept_values_up_to_the_servers_limit_and_name_it_beyond()
    {
        using var files = new TempDirectory("kvactors-e2e-friendly");
        var twoMiB = Path.Combine(files.Path, "2mib.bin");
        var tooLarge = Path.Combine(files.Path, "too-large.bin");
        var value = new byte[2 * 1024 * 1024];
        new Random(17).NextBytes(value);
        await File.WriteAllBytesAsync(twoMiB, value);
        await File.WriteAllBytesAsync(tooLarge, new byte[ServerLimit + 1]);

        var stored = await Kv("set", "limit:2mib", "--file", twoMiB);
        Assert.True(stored.ExitCode == ExitCodes.Success, stored.ToString());
        Assert.Equal(value, (await server.Client.GetAsync("limit:2mib")).Value);
        var read = await Kv("get", "limit:2mib");
        Assert.Equal(value, read.Stdout);

        var refused = await Kv("set", "limit:big", "--file", tooLarge);
        Assert.Equal(ExitCodes.Error, refused.ExitCode);
        Assert.Equal($"kv: value is {ServerLimit + 1} bytes, the server's limit is {ServerLimit} (its --max-value-bytes)\n", refused.Stderr);
        Assert.False(await server.Client.ExistsAsync("limit:big"));
    }

    [Fact]
    public async Task Kv_should_count_and_set_and_remove_expiry()
    {
        Assert.Equal("1\n", (await Kv("incr", "count:k")).StdoutText);
        Assert.Equal("6\n", (await Kv("incr", "count:k", "5")).StdoutText);
        Assert.Equal("4\n", (await Kv("decr", "count:k", "2")).StdoutText);
        Assert.Equal("3\n", (await Kv("decr", "count:k")).StdoutText);
        Assert.Equal("3", (await server.Client.GetAsync("count:k")).ToUtf8String());

        Assert.Equal("true\n", (await Kv("expire", "count:k", "10m")).StdoutText);
        var left = await server.Client.GetTtlAsync("count:k");
        Assert.InRange(left!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Equal("true\n", (await Kv("persist", "count:k")).StdoutText);
        Assert.Null(await server.Client.GetTtlAsync("count:k"));
        Assert.Equal("false\n", (await Kv("persist", "count:k")).StdoutText);

        var missing = await Kv("expire", "count:missing", "1h");
        Assert.Equal(ExitCodes.NotFoundOrConditionFailed, missing.ExitCode);
        var notANumber = await Kv("set", "count:text", "abc");
        Assert.Equal(ExitCodes.Success, notANumber.ExitCode);
        Assert.Equal(ExitCodes.Error, (await Kv("incr", "count:text")).ExitCode);
    }

    [Fact]
    public async Task Kv_should_explain_bad_arguments_in_words_and_show_optional_arguments_as_optional()
    {
        var (ttl0, revision, timeout, limit) = await (
            Kv("set", "words:k", "v", "--ttl", "0"),
            Kv("set", "words:k", "v", "--expect-revision", "abc"),
            CliProcess.RunAsync(["--server", server.Endpoint, "--timeout", "soon", "get", "k"]),
            Kv("scan", "--limit", "ten"));
        AssertUsage(ttl0, "kv: --ttl: '0' is zero; a duration must be more than 0 (for no expiry leave the TTL out; kv persist KEY removes one) (see --help)\n");
        AssertUsage(revision, "kv: --expect-revision: 'abc' is not a whole number (see --help)\n");
        AssertUsage(timeout, "kv: --timeout: 'soon' is not a duration (examples: 5s, 500ms, 1m) (see --help)\n");
        AssertUsage(limit, "kv: --limit: 'ten' is not a whole number (see --help)\n");

        var ttl = await Kv("set", "words:ttl", "v", "--ttl", "1h30m");
        Assert.Equal(ExitCodes.Success, ttl.ExitCode);
        Assert.InRange((await server.Client.GetTtlAsync("words:ttl"))!.Value, TimeSpan.FromMinutes(89), TimeSpan.FromMinutes(90));

        var help = await CliProcess.RunAsync(["scan", "--help"]);
        Assert.Contains("kv scan [<PREFIX>] [options]", help.StdoutText);
    }

    [Fact]
    public async Task Kv_should_reach_a_server_bound_to_127_0_0_1_as_localhost()
    {
        var port = server.Endpoint.Split(':')[1];
        var set = await CliProcess.RunAsync(["--server", $"localhost:{port}", .. Patient, "set", "name:k", "v"]);
        Assert.True(set.ExitCode == ExitCodes.Success, set.ToString());
        Assert.Equal("v", (await server.Client.GetAsync("name:k")).ToUtf8String());
    }

    [Fact]
    public async Task Kv_set_should_read_standard_input_only_when_asked_or_piped()
    {
        var piped = await Kv("set", "stdin:dash", "-", "--json");
        Assert.Equal(ExitCodes.Success, piped.ExitCode);
        var dash = await CliProcess.RunAsync(["--server", server.Endpoint, .. Patient, "set", "stdin:dash", "-"], stdin: "from a pipe"u8.ToArray());
        Assert.Equal(ExitCodes.Success, dash.ExitCode);
        Assert.Equal("from a pipe", (await server.Client.GetAsync("stdin:dash")).ToUtf8String());

        // A terminal: without VALUE, --file or -, nothing is read and nothing is stored.
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        var exit = await KvCli.RunAsync(["--server", server.Endpoint, .. Patient, "set", "stdin:terminal"], new MemoryStream(), stdout, stderr, interactive: true);
        Assert.Equal(ExitCodes.Error, exit);
        Assert.Equal("kv: a value is required: KEY VALUE, KEY --file PATH, or KEY - to read it from standard input\n", stderr.ToString().ReplaceLineEndings("\n"));
        Assert.False(await server.Client.ExistsAsync("stdin:terminal"));
    }

    [Fact]
    public async Task Kv_shell_should_start_while_the_server_is_down_and_work_once_it_is_up()
    {
        using var data = new TempDirectory("kvactors-e2e-friendly-shell");
        var port = FreePort.Find();
        var endpoint = $"127.0.0.1:{port}";
        using var commands = new AnonymousPipeServerStream(PipeDirection.Out);
        using var input = new AnonymousPipeClientStream(PipeDirection.In, commands.ClientSafePipeHandle);
        var stdout = new SynchronizedStream();
        var stderr = new StringWriter();
        var shell = KvCli.RunAsync(["--server", endpoint, "--timeout", "20s", "shell"], input, stdout, TextWriter.Synchronized(stderr));

        await Eventually.TrueAsync(() => stderr.ToString().Contains("(not connected)"), TimeSpan.FromSeconds(30));
        Assert.False(shell.IsCompleted, $"the shell exited: {stderr}");

        using var host = HostProcess.Start("--port", $"{port}", "--data-dir", data.Path);
        // As a script would: wait for the port to accept connections, then call kv. The server is still starting
        // then (its front and partitions come after remoting); kv waits for it within its timeout.
        await Eventually.TrueAsync(() => PortAccepts(port), TimeSpan.FromSeconds(60));
        var early = CliProcess.RunAsync(["--server", endpoint, "--timeout", "60s", "set", "early:k", "v"]);
        await host.WaitUntilServingAsync();
        var earlyRun = await early;
        Assert.True(earlyRun.ExitCode == ExitCodes.Success, earlyRun.ToString());

        await using (var writer = new StreamWriter(commands, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true })
        {
            await writer.WriteAsync("set shell:k hello\nget shell:k\n");
        }

        await Eventually.TrueAsync(() => stdout.Text.Contains("hello\n"), TimeSpan.FromSeconds(60));
        commands.Dispose();
        Assert.Equal(ExitCodes.Success, await shell.WaitAsync(TimeSpan.FromSeconds(30)));

        await using var client = await KvClient.ConnectAsync(endpoint, new KvClientOptions { Timeout = TimeSpan.FromSeconds(20) });
        Assert.Equal("hello", (await client.GetAsync("shell:k")).ToUtf8String());
        Assert.Equal("v", (await client.GetAsync("early:k")).ToUtf8String());
    }

    [Fact]
    public async Task Kv_cluster_down_should_refuse_a_reachable_member_unless_forced()
    {
        using var data = new TempDirectory("kvactors-e2e-friendly-cluster");
        var port = FreePort.Find();
        using var node = HostProcess.Start("--port", $"{port}", "--data-dir", data.Path, "--seed-nodes", $"127.0.0.1:{port}");
        await node.WaitUntilServingAsync();
        var endpoint = $"127.0.0.1:{port}";
        await Eventually.AssertAsync(async () =>
        {
            var members = await CliProcess.RunAsync(["--server", endpoint, .. Patient, "cluster", "members"]);
            Assert.Contains(" Up ", members.StdoutText);
        }, TimeSpan.FromSeconds(60));

        var refused = await CliProcess.RunAsync(["--server", endpoint, .. Patient, "cluster", "down", endpoint]);
        Assert.Equal(ExitCodes.Error, refused.ExitCode);
        Assert.Equal(
            $"kv: akka.tcp://kv@{endpoint} is reachable (Up); down is for a member that cannot be reached. Use 'kv cluster leave {endpoint}' to remove it gracefully, or --force to down it anyway\n",
            refused.Stderr);
        var stillUp = await CliProcess.RunAsync(["--server", endpoint, .. Patient, "cluster", "members"]);
        Assert.Contains(" Up ", stillUp.StdoutText);
    }

    private static bool PortAccepts(int port)
    {
        try
        {
            using var socket = new System.Net.Sockets.TcpClient();
            socket.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private Task<CliRun> Kv(params string[] args) => CliProcess.RunAsync(["--server", server.Endpoint, .. Patient, .. args]);

    private static void AssertUsage(CliRun run, string stderr)
    {
        Assert.True(run.ExitCode == ExitCodes.Error, run.ToString());
        Assert.Equal(stderr, run.Stderr);
        Assert.DoesNotContain("System.", run.Stderr);
    }

    /// <summary>Standard output of an in-process shell, read by the test while the shell writes it.</summary>
    private sealed class SynchronizedStream : MemoryStream
    {
        public string Text
        {
            get
            {
                lock (this) return Encoding.UTF8.GetString(ToArray());
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (this) base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (this) base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            lock (this) base.WriteByte(value);
        }
    }

    /// <summary>A server whose value limit the CLI must respect, and a client of it, for the whole class.</summary>
    public sealed class Server() : ServedHostFixture("kvactors-e2e-friendly", TimeSpan.FromSeconds(20), "--max-value-bytes", $"{ServerLimit}");
}
