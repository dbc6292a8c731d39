namespace KvActors.Bench;

/// <summary>One run of <c>kv-bench load</c>: who to load, how hard, and where to write the machine-readable results.</summary>
/// <param name="Target"><c>native</c> (kv-server over Akka.Remote, Server is HOST:PORT) or <c>etcd</c> (Server is its URL).</param>
internal sealed record LoadSettings(
    string Target,
    string Server,
    int Callers,
    int Connections,
    int Keys,
    int ValueSize,
    OperationMix Mix,
    TimeSpan Duration,
    TimeSpan Warmup,
    string? CsvPath);
