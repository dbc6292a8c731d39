using KvActors.Client;
using KvActors.EndToEnd.Tests.Hostile;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// The real kv-server receiving, over Akka.Remote, bytes under the KvSerializer's identifier that are not what
/// they claim to be: it must drop them and keep serving everyone, the sender included.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HostileRemoteSpec
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Host_should_keep_serving_after_remote_messages_it_cannot_deserialize()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using var host = await HostProcess.StartServingAsync(data.Path);
        await using var raw = new RawRemoteClient(host.Endpoint);
        var valid = new RawPayload(HostilePayloads.Get("missing"), "get");
        Assert.Equal("r-error", (await raw.AskAsync(valid, ReplyTimeout)).Manifest);

        var random = new Random(7301);
        raw.Send(new RawPayload(Garbage(random, 64), "no-such-manifest"));
        raw.Send(new RawPayload([], "no-such-manifest"));
        foreach (var manifest in new[] { "set", "batch", "get", "scan", "expire", "r-found", "e-written", "snapshot" })
        {
            for (var i = 0; i < 5; i++) raw.Send(new RawPayload(Garbage(random, random.Next(1, 512)), manifest));
        }

        // The same association still carries requests, and a well-behaved client is served.
        Assert.Equal("r-error", (await raw.AskAsync(valid, ReplyTimeout)).Manifest);
        await using var client = await KvClient.ConnectAsync(host.Endpoint, new KvClientOptions { Timeout = ReplyTimeout, LogLevel = "OFF" });
        await client.SetAsync("k", "v");
        Assert.Equal("v", (await client.GetAsync("k")).ToUtf8String());
        Assert.Contains("KvSerializer does not know manifest 'no-such-manifest'", host.Output);
    }

    // Deserializing used to recurse once per level over ever smaller copies of the payload (quadratic, unbounded
    // stack); the serializer now refuses any batch nested deeper than the one level the front allows.
    [Fact]
    public async Task Host_should_survive_a_batch_nested_thousands_of_levels_deep()
    {
        using var data = new TempDirectory("kvactors-e2e");
        using var host = await HostProcess.StartServingAsync(data.Path);
        await using var raw = new RawRemoteClient(host.Endpoint);

        raw.Send(new RawPayload(HostilePayloads.NestedBatch(20_000, "k"), "batch"));

        var reply = await raw.AskAsync(new RawPayload(HostilePayloads.Get("k"), "get"), ReplyTimeout);
        Assert.Equal("r-error", reply.Manifest);
    }

    private static byte[] Garbage(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
