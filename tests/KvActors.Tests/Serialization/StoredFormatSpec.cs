using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using KvActors.Journal;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Tests.Infrastructure;
using Xunit;

namespace KvActors.Tests.Serialization;

/// <summary>
/// The stored format, byte for byte: each type the journal and the snapshot store hold, written by the serializer
/// the server's configuration picks, against bytes fixed here, and read back from them. Existing data directories
/// hold exactly these bytes, so a change to the format fails here and is reviewed on its own. The bytes were taken
/// from KvSerializer before the stored types moved to KvActors.Journal.
/// </summary>
public sealed class StoredFormatSpec : IDisposable
{
    /// <summary>The serializer identifier every journal and snapshot row written so far carries.</summary>
    private const int StoredIdentifier = 7301;

    // Bytes as hex, so that a failure prints what changed.
    public static TheoryData<string, object, string, string> Stored => new()
    {
        { "KeyWritten", new KeyWritten("k", [1, 2], 3), "e-written", "0A016B120201021803" },
        { "KeyWritten with expiry", new KeyWritten("ключ", [], 4, 1_700_000_000_000), "e-written", "0A08D0BAD0BBD18ED18718042080D095FFBC31" },
        { "KeyDeleted", new KeyDeleted("k", 5), "e-deleted", "0A016B1005" },
        { "KeyExpiryChanged", new KeyExpiryChanged("k", 1_700_000_000_000, 6), "e-expiry", "0A016B1080D095FFBC311806" },
        { "KeyExpiryChanged, expiry removed", new KeyExpiryChanged("k", null, 7), "e-expiry", "0A016B1807" },
        { "StoreCleared", new StoreCleared(8), "e-cleared", "0808" },
        {
            "ChangeSet before fencing",
            new ChangeSet([new KeyWritten("a", [1], 21, 5), new KeyDeleted("b", 22), new KeyExpiryChanged("a", null, 23), new KeyExpiryChanged("a", 9, 24), new StoreCleared(25)]),
            "e-changes", "0A0C0A0A0A0161120101181520050A0712050A016210160A071A050A016118170A091A070A0161100918180A0422020819"
        },
        { "ChangeSet of epoch 3", new ChangeSet([new KeyWritten("a", [1], 26)]) { Epoch = 3 }, "e-changes@3", "0A0A0A080A0161120101181A" },
        { "empty ChangeSet", new ChangeSet([]), "e-changes", "" },
        { "StoreSnapshot", new StoreSnapshot(16, [new KvEntry("a", [1], 1), new KvEntry("bé", [2, 3], 2, 1234)]), "s-store2", "02100000000000000002000000010000006101000000010100000000000000000300000062C3A9020000000203020000000000000001D204000000000000" },
        { "empty StoreSnapshot", new StoreSnapshot(0, []), "s-store2", "02000000000000000000000000" },
        { "PartitionLayoutRecorded", new PartitionLayoutRecorded(16), "e-layout", "0810" },
    };

    private readonly ActorSystem _system = ActorSystem.Create("stored-format",
        ConfigurationFactory.ParseString("akka.actor.provider = local")
            .WithFallback(new ServerBootstrap(new ServerSettings { Port = 0 }, ServerTestKit.ShippedConfig).Config));

    public void Dispose() => _system.Dispose();

    [Theory]
    [MemberData(nameof(Stored))]
    public void A_stored_type_should_be_written_as_the_bytes_existing_data_holds(string name, object stored, string manifest, string hex)
    {
        var serializer = _system.Serialization.FindSerializerFor(stored);
        Assert.Equal(StoredIdentifier, serializer.Identifier);
        Assert.Equal(manifest, Akka.Serialization.Serialization.ManifestFor(serializer, stored));
        Assert.True(hex == Convert.ToHexString(serializer.ToBinary(stored)), $"{name}: the stored bytes changed");
    }

    [Theory]
    [MemberData(nameof(Stored))]
    public void A_stored_type_should_be_read_from_the_bytes_existing_data_holds(string name, object stored, string manifest, string hex)
    {
        var read = _system.Serialization.Deserialize(Convert.FromHexString(hex), StoredIdentifier, manifest);
        Assert.True(Describe(stored) == Describe(read), $"{name}: read as {Describe(read)}");
    }

    [Fact]
    public void A_snapshot_in_the_protobuf_form_of_before_s_store2_should_still_be_read()
    {
        // Snapshot { revision 16, entries [a=[1] rev 1, b=[2] rev 2 expiring at 1234] }
        const string hex = "081012080A01611201011801120B0A0162120102180220D209";
        var read = _system.Serialization.Deserialize(Convert.FromHexString(hex), StoredIdentifier, "s-store");
        Assert.Equal(Describe(new StoreSnapshot(16, [new KvEntry("a", [1], 1), new KvEntry("b", [2], 2, 1234)])), Describe(read));
    }

    // Records compare byte arrays by reference, so compare a rendering that spells out the bytes.
    internal static string Describe(object stored) => stored switch
    {
        KeyWritten m => $"KeyWritten {m.Key} {Hex(m.Value)} {m.Revision} {m.ExpiresAtUnixMs}",
        ChangeSet m => $"ChangeSet {m.Epoch} [{string.Join(", ", m.Changes.Select(Describe))}]",
        StoreSnapshot m => $"Snapshot {m.Revision} {string.Join(",", m.Entries.Select(Describe))}",
        KvEntry m => $"{m.Key}={Hex(m.Value)}@{m.Revision}~{m.ExpiresAtUnixMs}",
        _ => stored.ToString()!,
    };

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
