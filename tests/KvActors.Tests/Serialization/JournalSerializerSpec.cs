using System.Runtime.Serialization;
using Akka.Actor;
using KvActors.Journal;
using KvActors.Journal.Serialization;
using KvActors.Protocol;
using Xunit;

namespace KvActors.Tests.Serialization;

/// <summary>What the stored format refuses; StoredFormatSpec holds the bytes it accepts.</summary>
public sealed class JournalSerializerSpec : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("journal-serializer", JournalConfig.Default);

    public void Dispose() => _system.Dispose();

    private JournalSerializer Serializer => new((ExtendedActorSystem)_system);

    [Fact]
    public void JournalSerializer_should_refuse_a_snapshot_cut_short_or_with_bytes_after_it()
    {
        var serializer = Serializer;
        var bytes = serializer.ToBinary(new StoreSnapshot(16, [new KvEntry("a", [1], 1), new KvEntry("bé", [2, 3], 2, 1234)]));
        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes[..length];
            Assert.Throws<SerializationException>(() => serializer.FromBinary(cut, "s-store2"));
        }

        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. bytes, 0], "s-store2"));
    }

    [Theory]
    [InlineData("e-changes@0")]
    [InlineData("e-changes@-1")]
    [InlineData("e-changes@x")]
    [InlineData("e-changes@")]
    public void JournalSerializer_should_refuse_a_change_set_manifest_without_an_ownership_epoch(string manifest)
    {
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary([], manifest));
        Assert.Contains("ownership epoch", error.Message);
    }

    [Fact]
    public void JournalSerializer_should_leave_wire_messages_and_unknown_manifests_to_KvSerializer()
    {
        var serializer = Serializer;
        var get = new Get("k");
        Assert.Equal(get, serializer.FromBinary(serializer.ToBinary(get), serializer.Manifest(get)));
        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary([], "no-such"));
        Assert.Contains("KvSerializer does not know manifest 'no-such'", error.Message);
    }
}
