using System.Text;
using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Server.Partitioning;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Backup;

/// <summary>
/// ReadBackup through the front: a partition's pages all come from its committed state at the revision the first
/// page was read at, whatever is written meanwhile.
/// </summary>
public sealed class BackupReadSpec(ITestOutputHelper output)
    // Values of at most 256 bytes make pages of a few keys, so a partition takes many pages.
    : ServerTestKit(output, new ServerSettings { Partitions = Partitions, MaxValueBytes = 256 })
{
    private const int Partitions = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Backup_read_should_page_one_partition_at_one_revision_while_writes_go_on()
    {
        var front = StartFront();
        var map = new PartitionMap(Partitions);
        var keys = Enumerable.Range(0, 60).Select(i => $"k{i}").ToArray();
        foreach (var key in keys) await Ask<Written>(front, new Set(key, Value(key, "old")));
        var inZero = keys.Where(k => map.PartitionOf(k) == 0).ToHashSet();

        var first = await Ask<BackupPage>(front, new ReadBackup(0));
        Assert.NotNull(first.NextPosition);
        Assert.Equal(inZero.Count, first.TotalKeys);

        // Everything changes under the open session: overwritten, deleted, new keys.
        foreach (var key in keys) await Ask<Written>(front, new Set(key, Value(key, "new")));
        foreach (var key in keys.Take(10)) await Ask<Deleted>(front, new Delete(key));
        foreach (var i in Enumerable.Range(100, 20)) await Ask<Written>(front, new Set($"k{i}", Value($"k{i}", "new")));

        var entries = first.Entries.ToList();
        var pages = 1;
        for (var page = first; page.NextPosition is { } next; pages++)
        {
            page = await Ask<BackupPage>(front, new ReadBackup(0, first.Session, next));
            Assert.Equal((first.Session, first.Revision, first.TotalKeys), (page.Session, page.Revision, page.TotalKeys));
            entries.AddRange(page.Entries);
        }

        Assert.True(pages > 3, $"only {pages} pages");
        Assert.Equal(inZero.OrderBy(k => k, StringComparer.Ordinal), entries.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(entries, e => Assert.Equal(Value(e.Key, "old"), e.Value));
        Assert.All(entries, e => Assert.True(e.Revision <= first.Revision));

        // The session is gone after its last page; a new one sees the writes.
        var gone = await Ask<KvError>(front, new ReadBackup(0, first.Session, 1));
        Assert.Equal(ErrorCode.Unavailable, gone.Code);
        Assert.StartsWith(ReadBackup.SessionGonePrefix, gone.Message);
        var again = await Ask<BackupPage>(front, new ReadBackup(0));
        Assert.True(again.Revision > first.Revision);
        Assert.Equal(inZero.Count - keys.Take(10).Count(inZero.Contains) + Enumerable.Range(100, 20).Count(i => map.PartitionOf($"k{i}") == 0), again.TotalKeys);
    }

    [Fact]
    public async Task Backup_read_should_refuse_a_partition_that_does_not_exist()
    {
        var front = StartFront();
        var error = await Ask<KvError>(front, new ReadBackup(Partitions));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(ErrorCode.InvalidArgument, (await Ask<KvError>(front, new ReadBackup(-1))).Code);
    }

    private static byte[] Value(string key, string generation) => Encoding.UTF8.GetBytes($"{generation}:{key}:{new string('x', 40)}");

    private static async Task<T> Ask<T>(IActorRef front, IKvRequest request) where T : IKvReply
    {
        var reply = await front.Ask<IKvReply>(request, Patience);
        return reply is T expected ? expected : throw new Xunit.Sdk.XunitException($"{request} answered {reply}");
    }
}
