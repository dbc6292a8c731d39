namespace KvActors.Host;

/// <summary>
/// Holds an exclusive lock named after a host and port for the life of the server, so two servers started at once on
/// one port cannot both listen. The port check alone does not stop them: Akka.Remote binds with address reuse, which
/// .NET on Linux maps to SO_REUSEPORT as well, so a second server that binds before the first listens shares the port,
/// and the kernel spreads connections over both: writes acknowledged by one are missing through the other. Like
/// the data directory's lock, it is an advisory flock that dies with the process.
/// </summary>
internal sealed class ListenPortLock : IDisposable
{
    private readonly FileStream _file;

    private ListenPortLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or throws <see cref="StartupException"/> if another server on this machine holds it.</summary>
    public static ListenPortLock? Acquire(string host, int port)
    {
        if (port == 0) return null; // a port the OS picks is never shared
        // Per user: SO_REUSEPORT only lets processes of one user share a port, and a shared directory could be unwritable.
        var directory = Path.Combine(Path.GetTempPath(), $"kvactors-ports-{Environment.UserName}");
        var path = Path.Combine(directory, $"{host.ToLowerInvariant()}-{port}.lock");
        try
        {
            Directory.CreateDirectory(directory);
            return new ListenPortLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (UnauthorizedAccessException)
        {
            return null; // no place to lock: the bind itself still refuses a port another user holds
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StartupException($"cannot listen on {host}:{port}: another KvActors server on this machine is using it ({path} is locked)");
        }
    }

    public void Dispose() => _file.Dispose();
}
