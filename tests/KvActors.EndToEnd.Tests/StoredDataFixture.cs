using System.Net;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>
/// A data directory written once by the real server (keys in the journal and in a snapshot), then killed and
/// compacted from the outside: WAL checkpointed into the main files and free pages vacuumed away, so every page of
/// journal.db and snapshots.db is live data. Specs damage copies of it.
/// </summary>
public sealed class StoredDataFixture : IAsyncLifetime
{
    public const int Keys = 300;
    private const int Batches = 10;

    private readonly TempDirectory _directory = new("kvactors-stored");

    public async Task InitializeAsync()
    {
        using var host = await HostProcess.StartServingAsync(_directory.Path, "--snapshot-every", "100");
        await using (var client = await RawRespClient.ConnectAsync(IPEndPoint.Parse(host.RespEndpoint)))
        {
            for (var batch = 0; batch < Batches; batch++)
            {
                var words = new List<string> { "MSET" };
                for (var i = batch * (Keys / Batches); i < (batch + 1) * (Keys / Batches); i++) words.AddRange([$"key{i}", Value(i)]);
                Assert.Equal("+OK\r\n", await client.CallAsync([.. words]));
            }
        }

        var snapshots = Path.Combine(_directory.Path, "snapshots.db");
        await Eventually.AssertAsync(() =>
        {
            Assert.True(SqliteProbe.Scalar(snapshots, "SELECT count(*) FROM snapshot") > 0, "no snapshot saved yet");
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(30));
        host.Kill();

        foreach (var file in new[] { "journal.db", snapshots })
        {
            var path = Path.Combine(_directory.Path, file);
            SqliteProbe.Execute(path, "PRAGMA wal_checkpoint(TRUNCATE);");
            SqliteProbe.Execute(path, "VACUUM;");
        }
    }

    public static string Value(int i) => $"value-{i}-" + new string((char)('a' + i % 26), 1000);

    /// <summary>A fresh copy of the data directory's files (the LOCK file aside).</summary>
    public TempDirectory Copy()
    {
        var copy = new TempDirectory("kvactors-damaged");
        foreach (var file in Directory.GetFiles(_directory.Path, "*.db*"))
            File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        return copy;
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
