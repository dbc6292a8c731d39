using System.Text;
using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Partition;

/// <summary>
/// A healthy store that cannot keep up: more requests than it may hold get Busy at once, every admitted request is
/// still answered, and only admitted writes exist afterwards. Saturation is made real and deterministic by holding
/// SQLite's write lock on the journal from outside, so journal writes wait the way they do on a slow disk.
/// </summary>
public sealed class AdmissionControlSpec(ITestOutputHelper output)
    : ServerTestKit(output, new ServerSettings { MaxPendingRequests = Limit })
{
    private const int Limit = 20;
    private const int Offered = 100;

    [Fact]
    public void Front_should_answer_Busy_past_the_pending_limit_and_still_answer_every_admitted_write()
    {
        var front = StartFront();
        var replies = new Dictionary<string, IKvReply>();
        using (var writeLock = HoldJournalWriteLock())
        {
            for (var i = 0; i < Offered; i++)
                front.Tell(new Set($"k{i}", Encoding.UTF8.GetBytes($"v{i}")), CreateReplyCollector(replies, $"k{i}"));

            // Everything past the limit is refused at once, while the admitted writes still wait for the journal.
            AwaitCondition(() => Count(replies, ErrorCode.Busy) == Offered - Limit, TimeSpan.FromSeconds(10));
            Assert.All(replies.Values, r => Assert.Equal(ErrorCode.Busy, Assert.IsType<KvError>(r).Code));
        }

        AwaitCondition(() => Count(replies) == Offered, TimeSpan.FromSeconds(30));
        var admitted = replies.Where(r => r.Value is Written).Select(r => r.Key).ToHashSet();
        Assert.Equal(Limit, admitted.Count);

        for (var i = 0; i < Offered; i++)
        {
            front.Tell(new Get($"k{i}"));
            var reply = ExpectMsg<IKvReply>();
            if (admitted.Contains($"k{i}")) Assert.Equal($"v{i}", Encoding.UTF8.GetString(Assert.IsType<Found>(reply).Value));
            else Assert.Equal(ErrorCode.NotFound, Assert.IsType<KvError>(reply).Code);
        }
    }

    [Fact]
    public void Front_should_admit_again_once_the_store_has_caught_up()
    {
        var front = StartFront();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < Limit; i++) front.Tell(new Set($"r{round}-{i}", [1]));
            for (var i = 0; i < Limit; i++) ExpectMsg<Written>();
        }
    }

    private IActorRef CreateReplyCollector(Dictionary<string, IKvReply> replies, string key) =>
        Sys.ActorOf(Props.Create(() => new ReplyCollector(replies, key)));

    private static int Count(Dictionary<string, IKvReply> replies, ErrorCode? code = null)
    {
        lock (replies) return replies.Values.Count(r => code is null || r is KvError e && e.Code == code);
    }

    private SqliteConnection HoldJournalWriteLock()
    {
        var connection = new SqliteConnection($"Data Source={Sqlite.JournalFile};Pooling=False");
        connection.Open();
        using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        begin.ExecuteNonQuery();
        return connection; // disposing rolls the empty transaction back and frees the lock
    }

    private sealed class ReplyCollector : ReceiveActor
    {
        public ReplyCollector(Dictionary<string, IKvReply> replies, string key) =>
            Receive<IKvReply>(reply =>
            {
                lock (replies) replies.Add(key, reply);
                Context.Stop(Self);
            });
    }
}
