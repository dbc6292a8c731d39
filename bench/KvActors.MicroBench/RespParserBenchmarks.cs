using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using KvActors.Resp.Protocol;

namespace KvActors.MicroBench;

/// <summary>
/// The RESP parser on one read's worth of a pipelined client (redis-benchmark -P 100): 100 SETs of 100-byte values
/// in one buffer. Results are per command.
/// </summary>
[MemoryDiagnoser]
public class RespParserBenchmarks
{
    private const int Commands = 100;

    private readonly RespParser _parser = new(maxBulkBytes: 512 * 1024 * 1024, maxArguments: 1024 * 1024);
    private ReadOnlySequence<byte> _pipeline;

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        var value = new string('x', 100);
        for (var i = 0; i < Commands; i++)
        {
            var key = $"key:{i:D12}";
            text.Append($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n");
        }

        _pipeline = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text.ToString()));
    }

    [Benchmark(OperationsPerInvoke = Commands, Description = "RespParser: one SET of a pipelined buffer of 100")]
    public int ParsePipelinedSets()
    {
        var buffer = _pipeline;
        var parsed = 0;
        while (_parser.TryRead(ref buffer, out _)) parsed++;
        return parsed == Commands ? parsed : throw new InvalidOperationException($"parsed {parsed} commands, expected {Commands}");
    }
}
