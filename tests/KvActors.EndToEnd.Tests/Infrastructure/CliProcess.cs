using System.Diagnostics;
using System.Reflection;
using System.Text;
using KvActors.TestSupport;

namespace KvActors.EndToEnd.Tests.Infrastructure;

/// <summary>What one run of the <c>kv</c> executable produced.</summary>
/// <param name="Stdout">Standard output as bytes: values are printed raw.</param>
/// <param name="Elapsed">From starting the process to its exit, start-up of the runtime included.</param>
public sealed record CliRun(int ExitCode, byte[] Stdout, string Stderr, TimeSpan Elapsed)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    /// <summary>Standard error split into lines, without the empty piece after the final newline.</summary>
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.00}s, stdout '{StdoutText}', stderr '{Stderr}'";
}

/// <summary>
/// The real <c>kv</c> tool (kv.dll as built next to the tests) run as a child process. Standard input is always a
/// pipe (so the tool never reads the test runner's input and the shell prints no prompts); it carries the given
/// bytes and is then closed. A run that outlives its timeout is killed and reported as a <see cref="TimeoutException"/>.
/// </summary>
public static class CliProcess
{
    /// <summary>kv.dll as built next to the tests (the test project references KvActors.Cli).</summary>
    public static string KvDll { get; } = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "KvActors.Cli", "bin", BuildConfiguration, "net10.0", "kv.dll"));

    private static string BuildConfiguration =>
        typeof(CliProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>Runs <c>kv ARGS</c> and waits for it to exit.</summary>
    /// <param name="stdin">Bytes for standard input; none (an empty, closed pipe) if null.</param>
    /// <param name="environment">Variables to set for the child; a null value removes the variable.
    /// <c>KV_SERVER</c> is removed unless given here, so the runner's own environment never picks the server.</param>
    /// <param name="timeout">Longest the run may take (default 60 s); then the process is killed.</param>
    public static Task<CliRun> RunAsync(
        IEnumerable<string> args,
        byte[]? stdin = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null) =>
        RunDllAsync(KvDll, args, stdin, environment, timeout);

    /// <summary>Runs <c>kv-server ARGS</c> as a command that exits (<c>restore</c>, <c>--help</c>), like <see cref="RunAsync"/>.</summary>
    public static Task<CliRun> RunServerAsync(IEnumerable<string> args, TimeSpan? timeout = null) =>
        RunDllAsync(HostProcess.ServerDll, args, stdin: null, environment: null, timeout);

    private static async Task<CliRun> RunDllAsync(
        string dll,
        IEnumerable<string> args,
        byte[]? stdin,
        IReadOnlyDictionary<string, string?>? environment,
        TimeSpan? timeout)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"{Path.GetFileName(dll)} not built at {dll}");
        var limit = timeout ?? TimeSpan.FromSeconds(60);

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("KV_SERVER");
        // Two cores shared by the runner, the server and this tool: server GC would only compete.
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }

        using var process = new Process { StartInfo = info };
        var watch = Stopwatch.StartNew();
        process.Start();
        try
        {
            var stdout = ReadAllBytesAsync(process.StandardOutput.BaseStream);
            var stderr = process.StandardError.ReadToEndAsync();
            var input = WriteAndCloseAsync(process.StandardInput, stdin ?? []);

            try
            {
                await process.WaitForExitAsync().WaitAsync(limit);
            }
            catch (TimeoutException)
            {
                KillQuietly(process);
                throw new TimeoutException(
                    $"{Path.GetFileNameWithoutExtension(dll)} {string.Join(' ', info.ArgumentList.Skip(1))} did not exit within {limit.TotalSeconds:0.#}s and was killed; " +
                    $"stderr: {await PeekAsync(stderr)}");
            }

            var elapsed = watch.Elapsed;
            // The pipes reach end of file once the process and anything it started have exited.
            await input;
            return new CliRun(process.ExitCode, await stdout, await stderr, elapsed);
        }
        finally
        {
            // Whatever went wrong above, no kv process outlives its run.
            KillQuietly(process);
        }
    }

    private static async Task<byte[]> ReadAllBytesAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static async Task WriteAndCloseAsync(StreamWriter stdin, byte[] bytes)
    {
        try
        {
            await stdin.BaseStream.WriteAsync(bytes);
            await stdin.BaseStream.FlushAsync();
        }
        catch (IOException)
        {
            // The tool exited without reading all of its input (for example on a usage error): a broken pipe.
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
                // Same broken pipe.
            }
        }
    }

    private static async Task<string> PeekAsync(Task<string> stderr)
    {
        try
        {
            return await stderr.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            return "(still open)";
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }
    }
}
