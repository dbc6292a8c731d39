using Akka.Actor;
using Akka.Serialization;
using KvActors.Journal.Serialization;
using KvActors.Protocol;
using KvActors.Protocol.Serialization;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Serialization;

public sealed class KvSerializerSpec(ITestOutputHelper output) : ServerTestKit(output)
{
    public static TheoryData<object> Messages => new()
    {
        new Set("k", [1, 2, 3]),
        new Set("k", [], ExpectedRevision: 0),
        new Create("ключ", [0, 255]),
        new Update("k", [9], ExpectedRevision: 42),
        new Delete("k"),
        new Delete("k", ExpectedRevision: 5),
        new Get("k"),
        new Exists("k"),
        new Scan("p", "p1", 10),
        new Scan("", null, 1),
        new StaleRead(new Get("k")),
        new StaleRead(new Scan("p", "p1", 10)),
        GetPartitionReplicas.Instance,
        GetReplicaStatus.Instance,
        new ReplicaStatus(3, "akka.tcp://kv@127.0.0.1:4053", 2, "leader", 7, 2, 1042, 1040, 1043),
        new PartitionReplicas([new ReplicaStatus(0, "akka.tcp://kv@127.0.0.1:4053", 1, "follower", 7, 2, 10, 9, 10),
            ReplicaStatus.NotAnswered(0, "akka.tcp://kv@127.0.0.1:4054", 3)]),
        GetStats.Instance,
        new Written(7),
        new Deleted(8),
        new Found([1, 2], 3),
        new ExistsResult(true, 4),
        new ScanPage([new KvEntry("a", [1], 1), new KvEntry("b", [], 2)], "b", 9),
        new ScanPage([], null, 0),
        new StoreStats(10, 11, 12, 13, "/data", TimeSpan.FromSeconds(5)),
        new KvError(ErrorCode.RevisionMismatch, "nope"),
        new Set("k", [1], null, Expiry.At(99), ReturnPrevious: true),
        new Set("k", [1], 3, Expiry.Keep),
        new Update("k", [1], null, Expiry.At(5), true),
        new Create("k", [1], Expiry.At(7)),
        new Delete("k", 2, ReturnPrevious: true),
        new Increment("n", -5),
        new IncrementFloat("f", 0.25),
        new Append("k", [4, 5]),
        new SetRange("k", 3, [6]),
        new SetExpiry("k", 1234, ExpiryCondition.IfLater),
        new SetExpiry("k", null),
        new Rename("a", "b", OnlyIfAbsent: true),
        Clear.Instance,
        new Batch([new Set("a", [1]), new Get("a"), new Increment("n", 1)], AllOrNothing: true),
        new RandomKey(42),
        new StoreStats(10, 11, 12, 13, "/data", TimeSpan.FromSeconds(5), 16),
        new StoreStats(10, 11, 12, 13, "/data", TimeSpan.FromSeconds(5), 16)
        {
            Node = "akka.tcp://kv@127.0.0.1:4053",
            Recoveries = [new PartitionRecovery(3, "akka.tcp://kv@127.0.0.1:4053", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), TimeSpan.FromMicroseconds(12_345))],
            Cluster = new ClusterMembers([new ClusterMember("akka.tcp://kv@127.0.0.1:4053", "Up", [], true, [3])], "akka.tcp://kv@127.0.0.1:4053"),
        },
        new StoreStats(10, 11, 12, 13, "/data", TimeSpan.FromSeconds(5), 16)
        {
            Replication = new PartitionReplicas([new ReplicaStatus(3, "akka.tcp://kv@127.0.0.1:4053", 3003, ReplicaStatus.Learner, 2, 1, 9, 8, 9)]),
        },
        new PartitionEnvelope(3, new Batch([new Set("{t}a", [1]), new Get("{t}b")], AllOrNothing: true)),
        GetClusterMembers.Instance,
        new LeaveCluster("127.0.0.1:4053"),
        new DownClusterMember("akka.tcp://kv@127.0.0.1:4054"),
        new ClusterMembers([new ClusterMember("akka.tcp://kv@127.0.0.1:4053", "Up", ["a"], true, [0, 2]), new ClusterMember("akka.tcp://kv@127.0.0.1:4054", "Down", [], false, [])], "akka.tcp://kv@127.0.0.1:4053"),
        new ClusterMembers([], null),
        new Written(3, [9]),
        new Deleted(4, [8]),
        new Found([1], 2, 777),
        new ExpiryResult(true, 5),
        new RandomKeyResult("k"),
        new RandomKeyResult(null),
        new BatchResult([new Written(1), new KvError(ErrorCode.NotANumber, "x"), new Found([1], 1)]),
        new ReadBackup(3),
        new ReadBackup(2, 987_654_321_012, 4000),
        new BackupPage(3, 77, 120, 2, [new KvEntry("a", [1], 100), new KvEntry("b", [], 120, 1234)], 2),
        new BackupPage(0, 78, 0, 0, [], null),
    };

    // A client's system: the protocol's serializer bindings only, as KvClient configures them.
    private readonly ActorSystem _client = ActorSystem.Create("client", ProtocolConfig.Default);

    protected override void AfterAll()
    {
        _client.Dispose();
        base.AfterAll();
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_protocol_type_should_round_trip_from_server_to_client_and_back(object message)
    {
        var onServer = Sys.Serialization.FindSerializerFor(message);
        var onClient = _client.Serialization.FindSerializerFor(message);
        Assert.IsType<JournalSerializer>(onServer);
        Assert.IsType<KvSerializer>(onClient);
        Assert.Equal(onClient.Identifier, onServer.Identifier);

        var toClient = _client.Serialization.Deserialize(
            onServer.ToBinary(message), onServer.Identifier, Akka.Serialization.Serialization.ManifestFor(onServer, message));
        var toServer = Sys.Serialization.Deserialize(
            onClient.ToBinary(toClient), onClient.Identifier, Akka.Serialization.Serialization.ManifestFor(onClient, toClient));

        Assert.Equal(Describe(message), Describe(toClient));
        Assert.Equal(Describe(message), Describe(toServer));
    }

    [Fact]
    public void KvSerializer_should_reject_an_unknown_manifest_with_a_clear_error()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new Get("k"));
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "no-such"));
        Assert.Contains("no-such", error.Message);
    }

    [Fact]
    public void KvSerializer_should_refuse_batches_nested_deeper_than_one_level()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new Get("k"));
        var oneLevel = new Batch([new Batch([new Set("a", [1])], AllOrNothing: true), new Get("a")]);
        var copy = Assert.IsType<Batch>(serializer.FromBinary(serializer.ToBinary(oneLevel), "batch"));
        Assert.IsType<Batch>(copy.Requests[0]);

        IKvRequest deep = new Get("k");
        for (var i = 0; i < 50; i++) deep = new Batch([deep]);
        var bytes = serializer.ToBinary(deep);
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes, "batch"));
        Assert.Contains("nest", error.Message);
    }

    [Fact]
    public void KvSerializer_should_refuse_a_stale_read_of_anything_but_one_plain_query()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new Get("k"));
        var nested = serializer.ToBinary(new StaleRead(new StaleRead(new Get("k"))));
        // StaleReadRequest { query = Nested { manifest = "set", payload = <a Set> } }, written by hand: no client sends it.
        var set = serializer.ToBinary(new Set("k", [1]));
        byte[] nestedSet = [0x0A, 3, (byte)'s', (byte)'e', (byte)'t', 0x12, (byte)set.Length, .. set];
        byte[] write = [0x0A, (byte)nestedSet.Length, .. nestedSet];

        Assert.Contains("non-query 'stale-read'", Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(nested, "stale-read")).Message);
        Assert.Contains("non-query 'set'", Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(write, "stale-read")).Message);
    }

    [Fact]
    public void KvSerializer_should_reject_malformed_bytes()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new Get("k"));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary([0xFF, 0xFF, 0xFF], "set"));
    }

    [Fact]
    public void KvSerializer_should_refuse_stats_whose_times_are_out_of_range()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new Get("k"));
        byte[] maxVarint = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F];
        byte[] uptime = [0x30, .. maxVarint]; // uptime_ms = long.MaxValue
        byte[] recoveryStart = [0x4A, 0x0A, 0x18, .. maxVarint]; // recoveries[0].started_at_unix_ms = long.MaxValue
        byte[] recoveryDuration = [0x4A, 0x0A, 0x20, .. maxVarint]; // recoveries[0].duration_us = long.MaxValue
        foreach (var bytes in new[] { uptime, recoveryStart, recoveryDuration })
            Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes, "r-stats"));
    }

    // Records compare byte arrays by reference, so compare a rendering that spells out the bytes.
    private static string Describe(object message) => message switch
    {
        Set m => $"Set {m.Key} {Hex(m.Value)} {m.ExpectedRevision} {m.Expiry} {m.ReturnPrevious}",
        Create m => $"Create {m.Key} {Hex(m.Value)} {m.Expiry}",
        Update m => $"Update {m.Key} {Hex(m.Value)} {m.ExpectedRevision} {m.Expiry} {m.ReturnPrevious}",
        Found m => $"Found {Hex(m.Value)} {m.Revision} {m.ExpiresAtUnixMs}",
        Written m => $"Written {m.Revision} {Hex(m.Previous)}",
        Deleted m => $"Deleted {m.Revision} {Hex(m.Previous)}",
        Append m => $"Append {m.Key} {Hex(m.Suffix)}",
        SetRange m => $"SetRange {m.Key} {m.Offset} {Hex(m.Bytes)}",
        Batch m => $"Batch {m.AllOrNothing} [{string.Join(", ", m.Requests.Select(Describe))}]",
        BatchResult m => $"BatchResult [{string.Join(", ", m.Replies.Select(Describe))}]",
        ScanPage m => $"Page {string.Join(",", m.Entries.Select(Describe))} {m.NextCursor} {m.StoreRevision}",
        BackupPage m => $"BackupPage {m.Partition} {m.Session} {m.Revision} {m.TotalKeys} {string.Join(",", m.Entries.Select(Describe))} {m.NextPosition}",
        KvEntry m => $"{m.Key}={Hex(m.Value)}@{m.Revision}~{m.ExpiresAtUnixMs}",
        PartitionEnvelope m => $"Envelope {m.Partition} {Describe(m.Request)}",
        ClusterMembers m => $"Members {m.Leader} [{string.Join(", ", m.Members.Select(Describe))}]",
        StoreStats m => $"Stats {m.Keys} {m.Revision} {m.JournalSequenceNr} {m.SnapshotSequenceNr} {m.DataDirectory} {m.Uptime} {m.Partitions} {m.Node} [{string.Join(", ", m.Recoveries)}] {(m.Cluster is null ? "single" : Describe(m.Cluster))} {(m.Replication is null ? "-" : $"[{string.Join(", ", m.Replication.Replicas)}]")}",
        PartitionReplicas m => $"Replicas [{string.Join(", ", m.Replicas)}]",
        ClusterMember m => $"{m.Address} {m.Status} {string.Join("+", m.Roles)} {m.Reachable} {string.Join("+", m.Partitions)}",
        _ => message.ToString()!,
    };

    private static string Hex(byte[]? bytes) => bytes is null ? "null" : Convert.ToHexString(bytes);
}
