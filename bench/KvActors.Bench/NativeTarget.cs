using KvActors.Client;

namespace KvActors.Bench;

/// <summary>kv-server through <see cref="KvClient"/>: callers share the connections round robin, and the
/// connections go to the given servers (comma-separated) in turn, so a cluster takes requests through every node.</summary>
internal sealed class NativeTarget(KvClient[] clients) : ILoadTarget
{
    public static async Task<NativeTarget> ConnectAsync(string servers, int connections)
    {
        var nodes = servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var clients = new KvClient[connections];
        for (var i = 0; i < clients.Length; i++) clients[i] = await KvClient.ConnectAsync(nodes[i % nodes.Length]);
        return new NativeTarget(clients);
    }

    public Task GetAsync(int caller, string key) => clients[caller % clients.Length].GetAsync(key);

    public Task SetAsync(int caller, string key, byte[] value) => clients[caller % clients.Length].SetAsync(key, value);

    public bool IsFailure(Exception e) => e is KvException;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients) await client.DisposeAsync();
    }
}
