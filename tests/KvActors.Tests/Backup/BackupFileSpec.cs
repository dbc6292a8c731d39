using KvActors.Protocol;
using KvActors.Protocol.Backup;
using KvActors.TestSupport;
using Xunit;

namespace KvActors.Tests.Backup;

/// <summary>The backup file format: what is written reads back exactly, and a damaged or cut file is refused.</summary>
public sealed class BackupFileSpec : IDisposable
{
    private static readonly DateTimeOffset CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);

    private readonly TempDirectory _directory = new("kvactors-backup-file");

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void File_should_read_back_every_entry_with_its_revision_and_expiry_and_each_partitions_revision()
    {
        var path = PathOf("round-trip.bak");
        var written = WriteSample(path);

        using var reader = BackupFileReader.Open(path);
        reader.Verify();
        Assert.Equal(BackupFormat.Version, reader.Header.FormatVersion);
        Assert.Equal(CreatedAt, reader.Header.CreatedAt);
        Assert.Equal(written.Partitions.Select(p => (p.Revision, p.Keys)), reader.Header.Partitions.Select(p => (p.Revision, p.Keys)));
        Assert.Equal(new long[] { 17, 0, 123_456_789_012 }, reader.Header.Partitions.Select(p => p.Revision));

        var first = reader.ReadPartition(0).ToArray();
        Assert.Equal(3, first.Length);
        Assert.Equal(("plain", "7631", 5L, (long?)null), Parts(first[0]));
        Assert.Equal(("ttl", "7632", 9L, (long?)1_780_000_060_000), Parts(first[1]));
        Assert.Equal(("bin\u00e9\u4e2d", "00FF0A0D", 17L, (long?)null), Parts(first[2]));
        Assert.Empty(reader.ReadPartition(1));
        var large = Assert.Single(reader.ReadPartition(2));
        Assert.Equal(2 * 1024 * 1024, large.Value.Length);
        Assert.Equal(7, large.Value[^1]);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void File_should_be_refused_when_cut_short_anywhere()
    {
        var path = PathOf("whole.bak");
        WriteSample(path);
        var bytes = File.ReadAllBytes(path);
        var headerBytes = BackupFormat.HeaderBytes(3);
        foreach (var length in new[] { 0, 5, 30, headerBytes - 1, headerBytes, headerBytes + 10, bytes.Length / 2, bytes.Length - 1 })
        {
            var cut = PathOf($"cut-{length}.bak");
            File.WriteAllBytes(cut, bytes[..length]);
            var error = Assert.Throws<BackupFormatException>(() => BackupFileReader.Open(cut).Dispose());
            Assert.DoesNotContain('\n', error.Message);
            Assert.Contains(cut, error.Message);
        }

        File.WriteAllBytes(PathOf("longer.bak"), [.. bytes, 0]);
        Assert.Contains("data after the end", Assert.Throws<BackupFormatException>(() => BackupFileReader.Open(PathOf("longer.bak")).Dispose()).Message);
    }

    [Fact]
    public void File_should_be_refused_when_any_byte_is_flipped()
    {
        var path = PathOf("whole.bak");
        WriteSample(path);
        var bytes = File.ReadAllBytes(path);
        var random = new Random(17);
        var positions = new[] { 0, 9, 14, 21, 30, BackupFormat.HeaderBytes(3) - 1, BackupFormat.HeaderBytes(3), BackupFormat.HeaderBytes(3) + 3, bytes.Length - 1 }
            .Concat(Enumerable.Range(0, 20).Select(_ => random.Next(bytes.Length)));
        foreach (var position in positions)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[position] ^= 0x20;
            var file = PathOf($"flipped-{position}.bak");
            File.WriteAllBytes(file, damaged);
            var error = Assert.Throws<BackupFormatException>(() =>
            {
                using var reader = BackupFileReader.Open(file);
                reader.Verify();
            });
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    [Fact]
    public void File_should_say_what_it_is_not()
    {
        File.WriteAllText(PathOf("text.bak"), "hello, this is not a backup at all");
        Assert.Contains("is not a KvActors backup", Assert.Throws<BackupFormatException>(() => BackupFileReader.Open(PathOf("text.bak")).Dispose()).Message);
    }

    [Fact]
    public void Writer_should_name_a_missing_directory_and_create_nothing()
    {
        var missing = Path.Combine(_directory.Path, "no-such-directory");
        var e = Assert.Throws<DirectoryNotFoundException>(() => new BackupFileWriter(Path.Combine(missing, "kv.bak"), 1, CreatedAt));
        Assert.Equal($"cannot write the backup to {Path.Combine(missing, "kv.bak")}: directory {missing} does not exist", e.Message);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Writer_should_leave_nothing_behind_when_not_completed_and_forget_an_abandoned_partition()
    {
        var path = PathOf("unfinished.bak");
        using (var writer = new BackupFileWriter(path, 1, CreatedAt))
        {
            writer.BeginPartition(0, 3);
            writer.Write(new KvEntry("k", "v"u8.ToArray(), 3));
        }

        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".tmp"));

        using (var writer = new BackupFileWriter(path, 1, CreatedAt))
        {
            writer.BeginPartition(0, 3);
            writer.Write(new KvEntry("stale", "old"u8.ToArray(), 2));
            writer.AbandonPartition();
            writer.BeginPartition(0, 8);
            writer.Write(new KvEntry("fresh", "new"u8.ToArray(), 8));
            writer.EndPartition();
            writer.Complete();
        }

        using var reader = BackupFileReader.Open(path);
        Assert.Equal(8, reader.Header.Partitions[0].Revision);
        Assert.Equal("fresh", Assert.Single(reader.ReadPartition(0)).Key);
    }

    private static BackupHeader WriteSample(string path)
    {
        using var writer = new BackupFileWriter(path, 3, CreatedAt);
        writer.BeginPartition(0, 17);
        writer.Write(new KvEntry("plain", "v1"u8.ToArray(), 5));
        writer.Write(new KvEntry("ttl", "v2"u8.ToArray(), 9, 1_780_000_060_000));
        writer.Write(new KvEntry("bin\u00e9\u4e2d", [0, 255, 10, 13], 17));
        writer.EndPartition();
        writer.BeginPartition(1, 0);
        writer.EndPartition();
        writer.BeginPartition(2, 123_456_789_012);
        var large = new byte[2 * 1024 * 1024];
        large[^1] = 7;
        writer.Write(new KvEntry("large", large, 99));
        writer.EndPartition();
        return writer.Complete();
    }

    private static (string, string, long, long?) Parts(KvEntry e) => (e.Key, Convert.ToHexString(e.Value), e.Revision, e.ExpiresAtUnixMs);
}
