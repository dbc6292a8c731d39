using KvActors.Client;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One kv-server process on a temporary data directory, and a client of it, for a whole test class: an xunit class
/// fixture, derived once per class with the server's arguments.
/// </summary>
public abstract class ServedHostFixture(string directoryPrefix, TimeSpan clientTimeout, params string[] serverArguments) : IAsyncLifetime
{
    private readonly TempDirectory _data = new(directoryPrefix);
    private HostProcess? _host;
    private KvClient? _client;

    public string Endpoint => _host?.Endpoint ?? throw new InvalidOperationException("not started");

    public string DataDirectory => _data.Path;

    public KvClient Client => _client ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        try
        {
            _host = await HostProcess.StartServingAsync(_data.Path, serverArguments);
            _client = await KvClient.ConnectAsync(_host.Endpoint, new KvClientOptions { Timeout = clientTimeout });
        }
        catch
        {
            // xunit does not dispose a fixture whose initialization failed.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_client is not null) await _client.DisposeAsync();
        }
        finally
        {
            _host?.Dispose();
            _data.Dispose();
        }
    }
}
