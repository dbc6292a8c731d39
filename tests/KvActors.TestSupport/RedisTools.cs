using System.Diagnostics;
using Xunit;

namespace KvActors.TestSupport;

/// <summary>Runs Redis's own tools (redis-cli, redis-benchmark) against a RESP port and returns their output.</summary>
public static class RedisTools
{
    public static async Task<string> RunAsync(int port, string tool, string[] args, string? stdin = null)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", port.ToString() }.Concat(args)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        try
        {
            if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {await stderr}");
            return (await stdout).Trim();
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }
}
