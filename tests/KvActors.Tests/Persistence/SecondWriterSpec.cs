using System.Text;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Tests.Infrastructure;
using Xunit;

namespace KvActors.Tests.Persistence;

/// <summary>
/// Two servers that both believe they own partition 0 (what a split brain, or a misconfiguration, would cause): the
/// journal's unique sequence numbers make the stale one's write fail instead of interleaving two histories, and
/// that server then recovers the other's writes and carries on from them. Shown on SQLite and on PostgreSQL (whose
/// table the plugin creates without that unique key; PostgresStorage adds it).
/// </summary>
public sealed class SecondWriterSpec
{
    [Fact]
    public async Task A_second_writer_of_a_partition_should_fail_on_SQLite_and_then_recover_the_first_ones_writes()
    {
        using var data = new TempDirectory("kvactors-second-writer");
        await SecondWriterFailsAsync(new ServerSettings { Port = 0, DataDirectory = data.Path });
    }

    [PostgresFact]
    public async Task A_second_writer_of_a_partition_should_fail_on_PostgreSQL_and_then_recover_the_first_ones_writes()
    {
        using var database = PostgresDatabase.Create();
        await SecondWriterFailsAsync(new ServerSettings { Port = 0, Journal = database.Journal });
    }

    private static async Task SecondWriterFailsAsync(ServerSettings settings)
    {
        await using var first = await StandaloneServer.StartAsync(settings);
        await using var second = await StandaloneServer.StartAsync(settings);

        // Both have recovered the same (empty) partition; the first writes, so the second's view is now stale.
        Assert.IsType<Written>(await first.AskAsync(new Set("k", V("first"))));
        var stale = Assert.IsType<KvError>(await second.AskAsync(new Set("k", V("second"))));
        Assert.Equal(ErrorCode.Unavailable, stale.Code);

        // Restarted from the journal, the second server sees the first one's write and writes after it.
        await Eventually.AssertAsync(async () =>
            Assert.Equal("first", Encoding.UTF8.GetString(Assert.IsType<Found>(await second.AskAsync(new Get("k"))).Value)), TimeSpan.FromSeconds(30));
        Assert.Equal(2, Assert.IsType<Written>(await second.AskAsync(new Set("k", V("second")))).Revision);
    }

    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);
}
