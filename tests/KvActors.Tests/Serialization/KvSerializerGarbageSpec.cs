using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using KvActors.Journal.Serialization;
using KvActors.Protocol.Serialization;
using Xunit;

namespace KvActors.Tests.Serialization;

/// <summary>
/// FromBinary on bytes that are not what their manifest claims (what a hostile or broken remote peer can send, or a
/// damaged journal row holds): the serializer either decodes some message or throws a serialization error, which
/// remoting logs and drops. Any other exception would mean the decoder trusts its input. A client has KvSerializer
/// alone; a server has JournalSerializer, which adds the stored types.
/// </summary>
public sealed class KvSerializerGarbageSpec : IDisposable
{
    private static readonly string[] WireManifests =
    [
        "set", "create", "update", "del", "incr", "incrf", "append", "setrange", "expire", "rename", "clear", "batch", "get",
        "exists", "scan", "randomkey", "stats", "r-written", "r-deleted", "r-found", "r-exists", "r-expiry", "r-randomkey",
        "r-batch", "r-scan", "r-stats", "r-error",
    ];

    private static readonly string[] StoredManifests =
        ["e-written", "e-deleted", "e-expiry", "e-cleared", "e-changes", "e-changes@3", "e-layout", "s-store", "s-store2"];

    private readonly ActorSystem _system = ActorSystem.Create("garbage");

    public void Dispose() => _system.Dispose();

    [Fact]
    public void KvSerializer_should_refuse_garbage_under_every_manifest_with_a_serialization_error() =>
        AssertRefusesGarbage(new KvSerializer((ExtendedActorSystem)_system), [.. WireManifests, .. StoredManifests]);

    [Fact]
    public void JournalSerializer_should_refuse_garbage_under_every_manifest_with_a_serialization_error() =>
        AssertRefusesGarbage(new JournalSerializer((ExtendedActorSystem)_system), [.. WireManifests, .. StoredManifests]);

    private static void AssertRefusesGarbage(SerializerWithStringManifest serializer, string[] manifests)
    {
        var random = new Random(7301);
        var unexpected = new List<string>();
        foreach (var manifest in manifests.Append("no-such-manifest"))
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
