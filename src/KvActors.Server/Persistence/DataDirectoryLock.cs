namespace KvActors.Server.Persistence;

/// <summary>
/// Holds an exclusive lock on <c>LOCK</c> in the data directory for the life of the server, so two servers never
/// write one journal. The OS releases it when the process dies, even by <c>kill -9</c>, so no stale lock remains.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or throws <see cref="IOException"/> naming the directory if another process holds it.</summary>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "LOCK");
        try
        {
            // FileShare.None is enforced on Unix with an advisory flock, which dies with the process.
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true)) writer.Write(Environment.ProcessId);
            file.Flush();
            return new DataDirectoryLock(file);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"data directory {dataDirectory} is in use by another KvActors server ({path} is locked)", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
