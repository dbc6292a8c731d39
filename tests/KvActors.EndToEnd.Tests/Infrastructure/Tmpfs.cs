using System.Diagnostics;

namespace KvActors.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted on a fresh directory, to give a server a disk that fills up or cannot be written. Needs
/// root (or CAP_SYS_ADMIN) on Linux; <see cref="Unavailable"/> says why not where mounting is impossible.
/// Disposing unmounts it and removes the directory.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why no tmpfs can be mounted here, or null if it can (tried once, with a real mount).</summary>
    public static string? Unavailable { get; } = Probe();

    public static Tmpfs Mount(string size, bool readOnly = false)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"kvactors-tmpfs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        try
        {
            Run("mount", "-t", "tmpfs", "-o", $"size={size}{(readOnly ? ",ro" : "")}", "tmpfs", path);
        }
        catch (InvalidOperationException)
        {
            Directory.Delete(path);
            throw;
        }

        return new Tmpfs(path);
    }

    /// <summary>Grows (or shrinks) the file system in place; the files stay.</summary>
    public void Resize(string size) => Run("mount", "-o", $"remount,size={size}", Path);

    public void Dispose()
    {
        // Lazy: a process we killed may hold a file open for a moment longer.
        Run("umount", "-l", Path);
        Directory.Delete(Path);
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts need Linux";
        try
        {
            using var probe = Mount("1m");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): {e.Message}";
        }
    }

    private static void Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed: {error.Trim()}");
    }
}
