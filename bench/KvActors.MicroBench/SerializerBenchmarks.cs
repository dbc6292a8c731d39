using Akka.Actor;
using BenchmarkDotNet.Attributes;
using KvActors.Protocol;
using KvActors.Protocol.Serialization;

namespace KvActors.MicroBench;

/// <summary>
/// The protobuf serializer round trip (manifest, bytes, object) of what crosses the wire and the journal most:
/// a Set request, and the ChangeSet of one group commit of 64 Sets.
/// </summary>
[MemoryDiagnoser]
public class SerializerBenchmarks
{
    private const int GroupSize = 64;

    private ActorSystem _system = null!;
    private KvSerializer _serializer = null!;
    private Set _set = null!;
    private ChangeSet _changeSet = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The serializer needs a system only for its constructor; nothing here touches actors or remoting.
        _system = ActorSystem.Create("microbench", ProtocolConfig.Default);
        _serializer = new KvSerializer((ExtendedActorSystem)_system);
        var value = new byte[100];
        _set = new Set("key:00000042", value);
        _changeSet = new ChangeSet(Enumerable.Range(0, GroupSize)
            .Select(i => (IKvEvent)new KeyWritten($"key:{i:D8}", value, 1_000 + i)).ToArray());
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(Description = "KvSerializer: Set request round trip")]
    public object SetRoundTrip() => RoundTrip(_set);

    [Benchmark(Description = "KvSerializer: ChangeSet of 64 KeyWritten round trip")]
    public object ChangeSetRoundTrip() => RoundTrip(_changeSet);

    private object RoundTrip(object message) => _serializer.FromBinary(_serializer.ToBinary(message), _serializer.Manifest(message));
}
