using Akka.Actor;
using Akka.Serialization;
using BenchmarkDotNet.Attributes;
using KvActors.Journal;
using KvActors.Journal.Serialization;
using KvActors.Protocol;
using KvActors.Protocol.Serialization;

namespace KvActors.MicroBench;

/// <summary>
/// The protobuf serializer round trip (manifest, bytes, object) of what crosses the wire and the journal most:
/// a Set request (KvSerializer), and the ChangeSet of one group commit of 64 Sets (the server's JournalSerializer).
/// </summary>
[MemoryDiagnoser]
public class SerializerBenchmarks
{
    private const int GroupSize = 64;

    private ActorSystem _system = null!;
    private KvSerializer _wire = null!;
    private JournalSerializer _stored = null!;
    private Set _set = null!;
    private ChangeSet _changeSet = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The serializer needs a system only for its constructor; nothing here touches actors or remoting.
        _system = ActorSystem.Create("microbench", JournalConfig.Default);
        _wire = new KvSerializer((ExtendedActorSystem)_system);
        _stored = new JournalSerializer((ExtendedActorSystem)_system);
        var value = new byte[100];
        _set = new Set("key:00000042", value);
        _changeSet = new ChangeSet(Enumerable.Range(0, GroupSize)
            .Select(i => (IKvEvent)new KeyWritten($"key:{i:D8}", value, 1_000 + i)).ToArray());
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(Description = "KvSerializer: Set request round trip")]
    public object SetRoundTrip() => RoundTrip(_wire, _set);

    [Benchmark(Description = "JournalSerializer: ChangeSet of 64 KeyWritten round trip")]
    public object ChangeSetRoundTrip() => RoundTrip(_stored, _changeSet);

    private static object RoundTrip(SerializerWithStringManifest serializer, object message) =>
        serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
}
