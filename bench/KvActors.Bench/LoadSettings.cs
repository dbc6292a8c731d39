namespace KvActors.Bench;

/// <summary>One run of <c>kv-bench load</c>: who to load, how hard, and where to write the machine-readable results.</summary>
internal sealed record LoadSettings(
    string Server,
    int Callers,
    int Connections,
    int Keys,
    int ValueSize,
    OperationMix Mix,
    TimeSpan Duration,
    TimeSpan Warmup,
    string? CsvPath);
