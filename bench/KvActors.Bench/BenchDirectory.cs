namespace KvActors.Bench;

/// <summary>A throwaway data directory for one benchmark run.</summary>
internal sealed class BenchDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("kvactors-bench-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
