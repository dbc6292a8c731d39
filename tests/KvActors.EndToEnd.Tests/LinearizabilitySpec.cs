using System.Net;
using KvActors.Client;
using KvActors.TestSupport;
using KvActors.TestSupport.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// The real kv-server under concurrent native and RESP clients hammering a few keys; the recorded history must be
/// linearizable against the sequential key-value model.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LinearizabilitySpec(ITestOutputHelper output)
{
    private static readonly string[] Keys = ["k0", "k1", "k2", "k3", "k4"];
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Store_should_be_linearizable_for_concurrent_native_and_resp_clients()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using var host = await HostProcess.StartServingAsync(data.Path, "--snapshot-every", "200", "--partitions", "4");
        await using var client = await KvClient.ConnectAsync(host.Endpoint, new KvClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        var history = new KvHistory();
        var connections = new List<RawRespClient>();
        var workers = new List<HistoryWorker>();
        for (var p = 0; p < 3; p++) workers.Add(new HistoryWorker(p, new NativeHistoryClient(client), history, Keys, seed: p));
        for (var p = 3; p < 6; p++)
        {
            var connection = await RawRespClient.ConnectAsync(IPEndPoint.Parse(host.RespEndpoint));
            connections.Add(connection);
            workers.Add(new HistoryWorker(p, new RespHistoryClient(connection), history, Keys, seed: p));
        }

        try
        {
            using var stop = new CancellationTokenSource(LoadDuration);
            await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(stop.Token))));
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }

        var result = LinearizabilityChecker.Check(history.Operations(), new KvModel(), TimeSpan.FromSeconds(60));
        output.WriteLine($"{history.Count} operations by {workers.Count} processes on {Keys.Length} keys: {result.Verdict}");
        Assert.All(workers, w => Assert.True(w.Failure is null, $"a worker failed: {w.Failure}"));
        Assert.All(workers, w => Assert.True(w.Completed > 20, $"a worker completed only {w.Completed} operations"));
        Assert.True(result.IsLinearizable, result.ToString());
    }
}
