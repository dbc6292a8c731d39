using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace KvActors.TestSupport;

/// <summary>
/// The real server (kv-server) as a child process on 127.0.0.1 with an ephemeral port. Its output is captured so
/// the bound address can be read and failures explained; disposing kills it if it still runs.
/// </summary>
public sealed partial class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process)
    {
        _process = process;
    }

    /// <summary>
    /// kv-server.dll in the host's build output; a test project that starts it references KvActors.Host (output not
    /// linked) so that it is built.
    /// </summary>
    public static string ServerDll { get; } = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "KvActors.Host", "bin", BuildConfiguration, "net10.0", "kv-server.dll"));

    private static string BuildConfiguration =>
        typeof(HostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>"HOST:PORT" the server listens on, known once it logged that it serves.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>"HOST:PORT" of the RESP listener, once it logged it; empty when RESP is off.</summary>
    public string RespEndpoint
    {
        get
        {
            lock (_output) return _respEndpoint;
        }
    }

    private string _respEndpoint = "";

    /// <summary>"HOST:PORT" of the HTTP endpoint (/metrics, /health/*), once it logged it; empty when it is off.</summary>
    public string HttpEndpoint
    {
        get
        {
            lock (_output) return _httpEndpoint;
        }
    }

    private string _httpEndpoint = "";

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Starts kv-server with <paramref name="args"/>; RESP gets a free port unless they name one.</summary>
    public static HostProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts kv-server with <paramref name="args"/> and extra environment variables.</summary>
    public static HostProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) => Launch(environment, args, groupId: null);

    /// <summary>
    /// Starts kv-server with <paramref name="args"/> as group <paramref name="groupId"/> (by <c>setpriv</c>, which
    /// execs it: the process id stays the server's), so firewall rules can tell its connections apart
    /// (<see cref="NetworkPartition"/>). Needs root.
    /// </summary>
    public static HostProcess StartInGroup(int groupId, params string[] args) => Launch(new Dictionary<string, string>(), args, groupId);

    private static HostProcess Launch(IReadOnlyDictionary<string, string> environment, string[] args, int? groupId)
    {
        if (!File.Exists(ServerDll)) throw new FileNotFoundException($"server not built at {ServerDll}");
        var info = new ProcessStartInfo(groupId is null ? "dotnet" : "setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (groupId is { } group)
        {
            foreach (var a in (string[])["--regid", $"{group}", "--clear-groups", "dotnet"]) info.ArgumentList.Add(a);
        }

        info.ArgumentList.Add(ServerDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // The default RESP port (6379) would collide between servers running side by side.
        if (!args.Contains("--resp-port"))
        {
            info.ArgumentList.Add("--resp-port");
            info.ArgumentList.Add("0");
        }

        // The default HTTP port (8053) would collide too.
        if (!args.Contains("--http-port"))
        {
            info.ArgumentList.Add("--http-port");
            info.ArgumentList.Add("0");
        }

        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in environment) info.Environment[name] = value;

        var host = new HostProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        host._process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        host._process.Exited += (_, _) => host._address.TrySetException(new InvalidOperationException("server exited before serving"));
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Starts a server on an ephemeral port and waits until it serves; kills it if it does not.</summary>
    public static async Task<HostProcess> StartServingAsync(string dataDirectory, params string[] extraArgs)
    {
        var host = Start(["--port", "0", "--data-dir", dataDirectory, .. extraArgs]);
        try
        {
            await host.WaitUntilServingAsync();
            return host;
        }
        catch
        {
            // A server that never logged that it serves must not outlive the test that started it.
            host.Dispose();
            throw;
        }
    }

    public async Task WaitUntilServingAsync(TimeSpan? timeout = null)
    {
        try
        {
            Endpoint = await _address.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"server did not start serving: {e.Message}\n{Output}", e);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush — what a crash looks like.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            if (RespListeningLine().Match(line) is { Success: true } resp) _respEndpoint = resp.Groups["endpoint"].Value;
            if (HttpListeningLine().Match(line) is { Success: true } http) _httpEndpoint = http.Groups["endpoint"].Value;
        }

        var match = ServingLine().Match(line);
        if (match.Success) _address.TrySetResult(match.Groups["endpoint"].Value);
    }

    [GeneratedRegex(@"HTTP listening on (?<endpoint>\S+)")]
    private static partial Regex HttpListeningLine();

    [GeneratedRegex(@"RESP listening on (?<endpoint>\S+)")]
    private static partial Regex RespListeningLine();

    [GeneratedRegex(@"serving at akka\.tcp://kv@(?<endpoint>[^/\s]+)/user/kv")]
    private static partial Regex ServingLine();
}
