using Akka.Actor;
using Google.Protobuf;
using KvActors.Protocol.Serialization;
using Xunit;

namespace KvActors.Tests.Serialization;

/// <summary>
/// KvSerializer.FromBinary on bytes that are not what their manifest claims (what a hostile or broken remote peer
/// can send): it either decodes some message or throws a serialization error, which remoting logs and drops. Any
/// other exception would mean the decoder trusts its input.
/// </summary>
public sealed class KvSerializerGarbageSpec : IDisposable
{
    private static readonly string[] Manifests =
    [
        "set", "create", "update", "del", "incr", "incrf", "append", "setrange", "expire", "rename", "clear", "batch", "get",
        "exists", "scan", "randomkey", "stats", "r-written", "r-deleted", "r-found", "r-exists", "r-expiry", "r-randomkey",
        "r-batch", "r-scan", "r-stats", "r-error", "e-written", "e-deleted", "e-expiry", "e-cleared", "s-store", "s-store2",
    ];

    private readonly ActorSystem _system = ActorSystem.Create("garbage");

    public void Dispose() => _system.Dispose();

    [Fact]
    public void KvSerializer_should_refuse_garbage_under_every_manifest_with_a_serialization_error()
    {
        var serializer = new KvSerializer((ExtendedActorSystem)_system);
        var random = new Random(7301);
        var unexpected = new List<string>();
        foreach (var manifest in Manifests.Append("no-such-manifest"))
        {
            for (var i = 0; i < 300; i++)
            {
                var bytes = new byte[random.Next(0, 256)];
                random.NextBytes(bytes);
                try
                {
                    serializer.FromBinary(bytes, manifest);
                }
                catch (Exception e) when (e is InvalidProtocolBufferException or System.Runtime.Serialization.SerializationException)
                {
                }
                catch (Exception e)
                {
                    unexpected.Add($"{manifest} [{Convert.ToHexString(bytes)}]: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        Assert.True(unexpected.Count == 0, $"{unexpected.Count} unexpected exceptions, first ones:\n{string.Join("\n", unexpected.Take(10))}");
    }
}
