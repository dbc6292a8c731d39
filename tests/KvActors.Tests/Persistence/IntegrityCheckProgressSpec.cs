using System.Globalization;
using System.Text.RegularExpressions;
using KvActors.Server.Persistence;
using KvActors.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;

namespace KvActors.Tests.Persistence;

/// <summary>
/// The start-up integrity check (quick_check) says that it is still running, and about how much of the file it has
/// read, when it takes longer than its reporting interval, and at the end how long it took.
/// </summary>
public sealed partial class IntegrityCheckProgressSpec : IDisposable
{
    private readonly TempDirectory _directory = new("kvactors-integrity");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public void Integrity_check_should_report_while_it_runs_longer_than_its_interval_and_then_its_duration()
    {
        // Large enough that the check outlasts a reporter thread's start on a busy machine (24 MB did not, once).
        FillJournal(megabytes: 64);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // A report every millisecond: the check of a few megabytes stands in for a long one.
        var storage = new SqliteStorage(_directory.Path, Durability.Process) { ProgressLog = lines.Enqueue, ProgressEvery = TimeSpan.FromMilliseconds(1) };

        storage.Prepare();

        var journalLines = lines.Where(l => l.Contains(storage.JournalFile, StringComparison.Ordinal)).ToArray();
        var progress = journalLines.Select(l => ProgressLine().Match(l)).Where(m => m.Success).ToArray();
        Assert.True(progress.Length >= 1, string.Join("\n", lines));
        Assert.Equal(journalLines.Length - 1, progress.Length);
        // Where Linux says how much the process has read, the share of the file grows.
        var percents = progress.Where(m => m.Groups["percent"].Success).Select(m => int.Parse(m.Groups["percent"].Value, CultureInfo.InvariantCulture)).ToArray();
        if (File.Exists("/proc/self/io")) Assert.Equal(progress.Length, percents.Length);
        Assert.Equal(percents.Order(), percents);
        Assert.Matches(@"^Checked .*journal\.db in [0-9.]+s \(6[0-9] MB, [0-9]+ MB/s\)$", journalLines[^1]);
    }

    [Fact]
    public void Integrity_check_should_say_nothing_when_it_is_quicker_than_its_interval()
    {
        FillJournal(megabytes: 1);
        var lines = new List<string>();
        new SqliteStorage(_directory.Path, Durability.Process) { ProgressLog = lines.Add }.Prepare();
        Assert.Empty(lines);
    }

    // A SQLite file of about this size where the journal goes; the check reads its pages whatever the tables are.
    private void FillJournal(int megabytes)
    {
        var file = Path.Combine(_directory.Path, "journal.db");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)";
        create.ExecuteNonQuery();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO filler (body) VALUES ($body)";
        var body = insert.Parameters.Add("$body", SqliteType.Blob);
        var random = new Random(5);
        var bytes = new byte[1000];
        for (var i = 0; i < megabytes * 1024; i++)
        {
            random.NextBytes(bytes);
            body.Value = bytes;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    [GeneratedRegex(@"^Checking .*journal\.db \(quick_check\): still running after [0-9]+s(; about (?<percent>[0-9]+)% read \([0-9]+ of 6[0-9] MB, [0-9]+ MB/s\))?$")]
    private static partial Regex ProgressLine();
}
