using System.Text;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.TestSupport;
using KvActors.Tests.Infrastructure;
using Xunit;

namespace KvActors.Tests.Persistence;

/// <summary>
/// Two servers that both believe they own partition 0 (what a split brain, a paused process or a misconfiguration
/// causes). Ownership lives in the journal's database: the newer owner's epoch makes the journal refuse every write
/// of the older one, which then stops serving the partition for good; and a newer owner that must respect a live
/// owner's lease waits until that owner is gone. Shown on SQLite and on PostgreSQL.
/// </summary>
public sealed class SecondWriterSpec
{
    // Two single servers on one SQLite directory in one test process: neither takes the directory's lock, so each
    // believes it alone can own the data and takes the partition at once. The journal still keeps one history.
    [Fact]
    public async Task A_newer_owner_should_fence_off_the_older_ones_writes_on_SQLite()
    {
        using var data = new TempDirectory("kvactors-second-writer");
        var settings = new ServerSettings { Port = 0, DataDirectory = data.Path };
        await using var first = await StandaloneServer.StartAsync(settings);
        Assert.IsType<Written>(await first.AskAsync(new Set("k", V("first"))));

        await using var second = await StandaloneServer.StartAsync(settings);
        Assert.Equal("first", Encoding.UTF8.GetString(Assert.IsType<Found>(await second.AskAsync(new Get("k"))).Value));

        var refused = Assert.IsType<KvError>(await first.AskAsync(new Set("k", V("stale"))));
        Assert.Equal(ErrorCode.Unavailable, refused.Code);
        Assert.Contains("owned by another server", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.IsType<Written>(await second.AskAsync(new Set("k", V("second")))).Revision);

        // Stopped for good: the older server answers nothing for the partition any more, not even from memory.
        Assert.Equal(ErrorCode.Unavailable, Assert.IsType<KvError>(await first.AskAsync(new Get("k"))).Code);
        Assert.Equal("second", Encoding.UTF8.GetString(Assert.IsType<Found>(await second.AskAsync(new Get("k"))).Value));
    }

    [PostgresFact]
    public async Task A_second_server_should_wait_while_the_owner_renews_its_lease_and_take_over_once_it_is_gone_on_PostgreSQL()
    {
        using var database = PostgresDatabase.Create();
        var settings = new ServerSettings { Port = 0, Journal = database.Journal };
        var first = await StandaloneServer.StartAsync(settings);
        await using var second = await StandaloneServer.StartAsync(settings, waitUntilServing: false);
        try
        {
            Assert.IsType<Written>(await first.AskAsync(new Set("k", V("first"))));

            // The second server cannot take the partition while the first renews its lease: it says so...
            await Eventually.AssertAsync(async () =>
            {
                var waiting = Assert.IsType<KvError>(await second.AskAsync(new Get("k")));
                Assert.Contains("being taken over", waiting.Message, StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(20));
            // ...and the first one keeps serving, undisturbed.
            Assert.Equal(2, Assert.IsType<Written>(await first.AskAsync(new Set("k", V("first again")))).Revision);
        }
        finally
        {
            await first.DisposeAsync();
        }

        // Stopped cleanly, the first released the partition: the second takes it and has every write.
        await Eventually.AssertAsync(async () =>
            Assert.Equal("first again", Encoding.UTF8.GetString(Assert.IsType<Found>(await second.AskAsync(new Get("k"))).Value)), TimeSpan.FromSeconds(20));
        Assert.Equal(3, Assert.IsType<Written>(await second.AskAsync(new Set("k", V("second")))).Revision);
    }

    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);
}
