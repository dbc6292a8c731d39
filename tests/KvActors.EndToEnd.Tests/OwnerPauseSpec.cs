using System.Net;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// The fence itself, between two real processes: two one-node clusters on one shared journal (a split brain at its
/// plainest: each believes it owns every partition). The first owner is stopped with SIGSTOP; the second takes the
/// partitions over once the first's lease has run out and acknowledges writes, with snapshots (and compaction) every
/// two changes; then the first is continued. It must answer nothing from its stale memory and get nothing into the
/// journal, and everything the second acknowledged must survive a restart.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OwnerPauseSpec
{
    [Fact]
    public async Task A_resumed_owner_should_neither_serve_stale_reads_nor_write_after_another_took_its_partition()
    {
        using var journal = new TempDirectory("kvactors-owner-pause");
        await ResumedOwnerIsFencedAsync($"sqlite:{journal.Path}");
    }

    [PostgresFact]
    public async Task A_resumed_owner_should_neither_serve_stale_reads_nor_write_after_another_took_its_partition_on_PostgreSQL()
    {
        using var database = PostgresDatabase.Create();
        await ResumedOwnerIsFencedAsync(database.Journal);
    }

    private static async Task ResumedOwnerIsFencedAsync(string journal)
    {
        using var first = await StartAsync(journal);
        await using var toFirst = await RawRespClient.ConnectAsync(IPEndPoint.Parse(first.RespEndpoint));
        Assert.Equal("+OK\r\n", await toFirst.CallAsync("SET", "k", "before-pause"));
        Assert.Equal("$12\r\nbefore-pause\r\n", await toFirst.CallAsync("GET", "k"));

        // The second process contends from the start: while the first renews its lease, it cannot take over.
        using var second = await StartAsync(journal);
        await using var toSecond = await RawRespClient.ConnectAsync(IPEndPoint.Parse(second.RespEndpoint));
        Assert.StartsWith("-", await toSecond.CallAsync("GET", "k"));
        try
        {
            await PauseUntilTakenOverAsync(first, toFirst, toSecond);
            // The second is still starting: its other partition may answer -LOADING (nothing applied) for a while.
            for (var i = 0; i < 10; i++)
            {
                var key = $"n{i}";
                var value = $"{i}";
                await Eventually.AssertAsync(async () => Assert.Equal("+OK\r\n", await toSecond.CallAsync("SET", key, value)), TimeSpan.FromSeconds(30));
            }

            first.Resume();
            // A request that was waiting in the resumed process, and new ones: refused, never the old value.
            var read = await toFirst.CallAsync("GET", "k");
            Assert.StartsWith("-", read);
            Assert.StartsWith("-", await toFirst.CallAsync("SET", "k", "stale-owner"));
            Assert.StartsWith("-", await toFirst.CallAsync("SET", "n0", "stale-owner"));
            Assert.Equal("$14\r\nafter-takeover\r\n", await toSecond.CallAsync("GET", "k"));
        }
        finally
        {
            first.Resume();
            first.Kill();
            second.Kill();
        }

        // The journal holds the second owner's history, and nothing of the first's after the takeover.
        using var restarted = await StartAsync(journal);
        await using var check = await RawRespClient.ConnectAsync(IPEndPoint.Parse(restarted.RespEndpoint));
        await Eventually.AssertAsync(async () => Assert.Equal("$14\r\nafter-takeover\r\n", await check.CallAsync("GET", "k")), TimeSpan.FromSeconds(30));
        // The other partition may still be loading (-LOADING) when the first answers.
        for (var i = 0; i < 10; i++)
        {
            var key = $"n{i}";
            var expected = $"$1\r\n{i}\r\n";
            await Eventually.AssertAsync(async () => Assert.Equal(expected, await check.CallAsync("GET", key)), TimeSpan.FromSeconds(30));
        }
    }

    // Pauses the first owner until the second has taken the partition over. A process stopped while it holds the
    // database's write lock (SQLite has one per file; on PostgreSQL, the ownership row's lock during a journal
    // insert) stops every other writer until it resumes, so no takeover can happen during that pause. Then the first
    // is resumed, shown to be still the owner (nothing was taken from it), and paused again.
    private static async Task PauseUntilTakenOverAsync(HostProcess first, RawRespClient toFirst, RawRespClient toSecond)
    {
        for (var attempt = 1; ; attempt++)
        {
            first.Pause();
            try
            {
                await Eventually.AssertAsync(async () => Assert.Equal("+OK\r\n", await toSecond.CallAsync("SET", "k", "after-takeover")), TimeSpan.FromSeconds(15));
                return;
            }
            catch (Exception) when (attempt < 3)
            {
                first.Resume();
                Assert.Equal("$12\r\nbefore-pause\r\n", await toFirst.CallAsync("GET", "k"));
            }
        }
    }

    // A one-node cluster of its own: it owns every partition as far as it knows.
    private static async Task<HostProcess> StartAsync(string journal)
    {
        var port = FreePort.Find();
        var host = HostProcess.Start("--port", $"{port}", "--journal", journal, "--partitions", "2", "--snapshot-every", "2",
            "--seed-nodes", $"127.0.0.1:{port}");
        await host.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
        return host;
    }
}
