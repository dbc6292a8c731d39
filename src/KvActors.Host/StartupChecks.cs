using System.Net;
using System.Net.Sockets;

namespace KvActors.Host;

/// <summary>
/// Checks that turn the usual start-up failures into one clear line instead of a stack trace from deep inside
/// Akka: a taken port, a data directory that cannot be written.
/// </summary>
internal static class StartupChecks
{
    public static void EnsureWritable(string dataDirectory)
    {
        try
        {
            Directory.CreateDirectory(dataDirectory);
            var probe = Path.Combine(dataDirectory, $".write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"data directory {Path.GetFullPath(dataDirectory)} is not writable: {e.Message}");
        }
    }

    public static void EnsurePortFree(string host, int port)
    {
        if (port == 0) return;
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First();
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new StartupException($"cannot listen on {host}:{port}: {e.Message}");
        }
        finally
        {
            listener.Stop();
        }
    }
}

/// <summary>A start-up failure with a message fit to show the operator as is.</summary>
internal sealed class StartupException(string message) : Exception(message);
