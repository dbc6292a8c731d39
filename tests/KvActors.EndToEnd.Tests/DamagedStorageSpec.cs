using System.Net;
using System.Security.Cryptography;
using System.Text;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// The real kv-server on a data directory whose journal or snapshot file was damaged while it was stopped: it
/// must refuse to start with exit code 1 and one line naming the file, and leave the file exactly as it was.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DamagedStorageSpec(StoredDataFixture stored) : IClassFixture<StoredDataFixture>
{
    public enum Damage
    {
        /// <summary>A whole page in the middle of the file overwritten with garbage.</summary>
        GarbagePage,

        /// <summary>The file cut to half its length.</summary>
        TruncatedToHalf,

        /// <summary>The file cut to nothing.</summary>
        Emptied,

        /// <summary>The file replaced by text.</summary>
        NotSqlite,
    }

    [Fact]
    public async Task Host_should_serve_every_key_from_an_undamaged_copy()
    {
        using var data = stored.Copy();
        using var host = await HostProcess.StartServingAsync(data.Path);
        await using var client = await RawRespClient.ConnectAsync(IPEndPoint.Parse(host.RespEndpoint));

        Assert.Equal($":{StoredDataFixture.Keys}\r\n", await client.CallAsync("DBSIZE"));
        foreach (var i in new[] { 0, 150, StoredDataFixture.Keys - 1 })
        {
            var value = StoredDataFixture.Value(i);
            Assert.Equal($"${value.Length}\r\n{value}\r\n", await client.CallAsync("GET", $"key{i}"));
        }
    }

    [Theory]
    [InlineData("journal.db", Damage.GarbagePage)]
    [InlineData("journal.db", Damage.TruncatedToHalf)]
    [InlineData("journal.db", Damage.Emptied)]
    [InlineData("journal.db", Damage.NotSqlite)]
    [InlineData("snapshots.db", Damage.GarbagePage)]
    [InlineData("snapshots.db", Damage.TruncatedToHalf)]
    [InlineData("snapshots.db", Damage.Emptied)]
    [InlineData("snapshots.db", Damage.NotSqlite)]
    public async Task Host_should_refuse_to_start_on_a_damaged_file_and_leave_it_untouched(string file, Damage damage)
    {
        using var data = stored.Copy();
        var path = Path.Combine(data.Path, file);
        Inflict(path, damage);
        var before = SHA256.HashData(await File.ReadAllBytesAsync(path));

        using var host = HostProcess.Start("--port", "0", "--data-dir", data.Path);

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var line = Assert.Single(host.Output.Split('\n'), l => l.StartsWith("kv-server:"));
        Assert.StartsWith($"kv-server: {path} is corrupt (", line);
        Assert.Contains("never repairs", line);
        Assert.DoesNotContain("   at ", host.Output);
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(path)));
    }

    [Fact]
    public async Task Host_should_answer_unavailable_rather_than_serve_without_a_snapshot_it_cannot_decode()
    {
        // Garbage inside the snapshot's value: the b-tree is intact, so the start-up check passes, but recovery fails.
        using var data = stored.Copy();
        SqliteProbe.Execute(Path.Combine(data.Path, "snapshots.db"), "UPDATE snapshot SET snapshot = randomblob(length(snapshot));");
        using var host = await HostProcess.StartServingAsync(data.Path);
        await using var client = await RawRespClient.ConnectAsync(IPEndPoint.Parse(host.RespEndpoint));

        for (var i = 0; i < 3; i++)
        {
            Assert.StartsWith("-ERR store unavailable", await client.CallAsync("GET", "key0"));
            Assert.StartsWith("-ERR store unavailable", await client.CallAsync("SET", "key0", "overwrite"));
        }
    }

    private static void Inflict(string path, Damage damage)
    {
        var length = new FileInfo(path).Length;
        const int page = 4096;
        Assert.True(length >= 4 * page, $"{path} is only {length} bytes: too small to damage in the middle");
        switch (damage)
        {
            case Damage.GarbagePage:
                using (var file = File.OpenWrite(path))
                {
                    file.Position = length / 2 / page * page;
                    file.Write(Enumerable.Repeat((byte)0xA5, page).ToArray());
                }

                break;
            case Damage.TruncatedToHalf:
                using (var file = File.OpenWrite(path)) file.SetLength(length / 2);
                break;
            case Damage.Emptied:
                using (var file = File.OpenWrite(path)) file.SetLength(0);
                break;
            case Damage.NotSqlite:
                File.WriteAllText(path, string.Concat(Enumerable.Repeat("this is not a database\n", 1000)), Encoding.ASCII);
                break;
        }
    }
}
