using System.Net;
using System.Net.Sockets;

namespace KvActors.TestSupport;

/// <summary>A loopback port that nothing listens on: bound once to let the OS pick it, then released.</summary>
public static class FreePort
{
    public static int Find()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
