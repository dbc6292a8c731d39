using System.Diagnostics;
using System.Globalization;

namespace KvActors.Server.Persistence;

/// <summary>
/// Says how far a long <c>PRAGMA quick_check</c> has got. SQLite cannot report it: the whole check is one step of its
/// virtual machine (so its progress handler is never called during it) and the connection's counters sit behind the
/// mutex the check holds. So a thread of its own reports every <c>every</c>: how long it has run and, where Linux says how many
/// bytes this process has read (<c>/proc/self/io</c>, <c>rchar</c>; the check reads each page about once, and little
/// else reads at start-up), about how much of the file that is and the rate. A file larger than
/// <see cref="AnnounceBytes"/> gets a line when its check starts; a check that said anything ends with its duration.
/// A short check of a small file logs nothing.
/// </summary>
internal sealed class IntegrityCheckProgress : IDisposable
{
    /// <summary>Files from this size are announced: their check takes seconds (about a second per few hundred MB).</summary>
    public const long AnnounceBytes = 256L * 1024 * 1024;

    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(1);

    private readonly string _file;
    private readonly long _bytes;
    private readonly Action<string> _log;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly long? _readAtStart = BytesReadByProcess();
    private readonly ManualResetEventSlim _done = new();
    private readonly Thread _reporter;
    private readonly object _gate = new();
    private bool _reported;
    private bool _finished;

    private IntegrityCheckProgress(string file, TimeSpan every, Action<string> log)
    {
        _file = file;
        _bytes = Size(file) + Size(file + "-wal");
        _log = log;
        if (_bytes >= AnnounceBytes) Report($"Checking {file} ({Megabytes(_bytes):0} MB) with SQLite's quick_check before anything writes to it");
        var period = every < Shortest ? Shortest : every;
        // Its own thread, not a timer on the pool: a busy pool must not silence it.
        _reporter = new Thread(() =>
        {
            while (!_done.Wait(period)) OnTick();
        }) { IsBackground = true, Name = "integrity-check-progress" };
        _reporter.Start();
    }

    public static IntegrityCheckProgress Start(string file, TimeSpan every, Action<string> log) => new(file, every, log);

    /// <summary>The check is over: stop reporting, and say how long it took if anything was said.</summary>
    public void Dispose()
    {
        _done.Set();
        _reporter.Join();
        _done.Dispose();
        lock (_gate)
        {
            _finished = true;
            if (!_reported) return;
            var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            _log(string.Create(CultureInfo.InvariantCulture,
                $"Checked {_file} in {seconds:0.0}s ({Megabytes(_bytes):0} MB, {Megabytes(_bytes) / Math.Max(seconds, 0.001):0} MB/s)"));
        }
    }

    private void OnTick()
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var read = BytesReadByProcess() - _readAtStart;
        var estimate = read is { } r && _bytes > 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"; about {Math.Min(99.0, 100.0 * r / _bytes):0}% read ({Megabytes(r):0} of {Megabytes(_bytes):0} MB, {Megabytes(r) / Math.Max(seconds, 0.001):0} MB/s)")
            : "";
        Report(string.Create(CultureInfo.InvariantCulture, $"Checking {_file} (quick_check): still running after {seconds:0}s{estimate}"));
    }

    private void Report(string line)
    {
        lock (_gate)
        {
            if (_finished) return;
            _reported = true;
            _log(line);
        }
    }

    private static long Size(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

    private static double Megabytes(long bytes) => bytes / (1024.0 * 1024.0);

    // Bytes this process has read through read system calls (Linux); null where that is not known.
    private static long? BytesReadByProcess()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
            {
                if (line.StartsWith("rchar:", StringComparison.Ordinal) && long.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
                    return bytes;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}
